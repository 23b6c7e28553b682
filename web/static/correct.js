// The correction view, keyboard first: Enter saves the page (when the line changed) and moves to the
// next line, Esc puts the line back as it was saved, F8 selects the next doubtful word.
(function () {
  "use strict";
  const form = document.getElementById("correct-form");
  if (!form) return;
  const inputs = Array.from(form.querySelectorAll("input[name=line]"));
  const base = document.getElementById("base");
  const state = document.getElementById("save-state");

  async function save() {
    const response = await fetch(form.action, {
      method: "POST", body: new URLSearchParams(new FormData(form)),
      headers: { Accept: "application/json" }, credentials: "same-origin",
    });
    const data = await response.json();
    if (response.status === 409) {
      state.textContent = data.error + " — " + data.conflicts.map(
        (c) => "dòng " + c.line + ": “" + c.theirs + "” / bản của bạn: “" + c.mine + "”").join("; ");
      state.className = "message conflict";
      return false;
    }
    if (!response.ok) { state.textContent = data.error || "Lỗi khi lưu"; return false; }
    base.value = data.version;
    inputs.forEach((input) => { input.dataset.saved = input.value; });
    state.textContent = data.changed ? "Đã lưu phiên bản " + data.version : "Không có thay đổi";
    return true;
  }

  function nextDoubtful(from) {
    const start = inputs.indexOf(from);
    const caret = from.selectionEnd || 0;
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[(start + i) % inputs.length];
      for (const span of (input.dataset.low || "").split(" ").filter(Boolean)) {
        const [at, length] = span.split(":").map(Number);
        if (i === 0 && at < caret) continue;
        input.focus();
        input.setSelectionRange(at, at + length);
        return;
      }
    }
  }

  inputs.forEach((input, index) => {
    input.addEventListener("keydown", async (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        if (input.value !== input.dataset.saved && !(await save())) return;
        (inputs[index + 1] || input).focus();
      } else if (event.key === "Escape") {
        input.value = input.dataset.saved;
        input.blur();
      } else if (event.key === "F8") {
        event.preventDefault();
        nextDoubtful(input);
      }
    });
  });

  const image = document.getElementById("page-image");
  let scale = 1;
  document.querySelectorAll("[data-zoom]").forEach((button) => {
    button.addEventListener("click", () => {
      scale = Math.min(4, Math.max(0.5, scale * Number(button.dataset.zoom)));
      image.style.width = (scale * 100) + "%";
    });
  });
})();
