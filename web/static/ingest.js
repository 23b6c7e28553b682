// The run's progress, read again every two seconds until the run has ended: each document's state,
// its pages done, its link once it is in the archive, and the lines of files that failed.
(function () {
  "use strict";
  const run = document.getElementById("run");
  if (!run) return;
  const ENDED = ["done", "partial", "failed", "refused", "interrupted"];
  const STATES = JSON.parse(run.dataset.labels);
  const LABELS = {complete: "xong", registered: "đang đọc", failed: "lỗi", already: "đã có trong kho",
                  refused: "bị từ chối", duplicate: "trùng", new: "đã nhận"};

  function show(p) {
    const state = document.getElementById("run-state");
    state.textContent = STATES[p.state] || p.state;
    state.dataset.state = p.state;
    const list = document.getElementById("run-documents");
    list.replaceChildren(...p.documents.map((d) => {
      const li = document.createElement("li");
      li.className = "panel";
      li.dataset.doc = d.doc_id || "";
      const name = document.createElement("strong");
      name.textContent = d.name;
      li.append(name, " ");
      if (d.url) {
        const link = document.createElement("a");
        link.className = "doc-link";
        link.href = d.url;
        link.textContent = d.title || d.doc_id;
        li.append(link, " ");
      }
      const label = document.createElement("span");
      label.className = "small doc-state";
      label.textContent = LABELS[d.status || d.outcome] || d.status || d.outcome;
      const pages = document.createElement("span");
      pages.className = "pages";
      d.pages.forEach((done, i) => {
        const cell = document.createElement("span");
        cell.className = done ? "page-cell done" : "page-cell";
        cell.title = "trang " + (i + 1);
        pages.append(cell);
      });
      li.append(label, " ", pages);
      return li;
    }));
    document.getElementById("run-errors").replaceChildren(...p.errors.map((line) => {
      const li = document.createElement("li");
      li.className = "message";
      li.textContent = "✗ " + line;
      return li;
    }));
    return ENDED.includes(p.state);
  }

  async function poll() {
    try {
      const response = await fetch(run.dataset.progress, {headers: {Accept: "application/json"}});
      if (response.ok && show(await response.json())) return;
    } catch (e) { /* the server restarted: try again */ }
    setTimeout(poll, 2000);
  }
  poll();
})();
