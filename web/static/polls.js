// Polls under the player: answer without leaving the page (the form also works without this script).
(function () {
  "use strict";
  var THANKS = "Cảm ơn, ý kiến của bạn đã được ghi nhận. Có thể đổi ý kiến bất cứ lúc nào.";
  var FAILED = "Chưa gửi được ý kiến (mất mạng?). Hãy thử lại.";

  function showResults(section, poll) {
    var total = section.querySelector(".poll-total");
    if (!total) return; // results are for signed-in members
    total.textContent = poll.total;
    poll.choices.forEach(function (choice) {
      var row = section.querySelector('[data-choice="' + choice.id + '"]');
      if (!row) return;
      var bar = row.querySelector("meter");
      bar.max = Math.max(poll.total, 1);
      bar.value = choice.votes;
      row.querySelector(".votes").textContent = choice.votes;
      row.querySelector(".share").textContent = poll.total ? Math.round(100 * choice.votes / poll.total) : 0;
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll(".poll"), function (section) {
    var form = section.querySelector("form");
    var status = section.querySelector(".poll-status");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var picked = form.querySelector("input[name=choice]:checked");
      if (!picked) { status.textContent = "Hãy chọn một ý trước khi gửi."; return; }
      button.disabled = true;
      fetch("/api/bulletins/" + encodeURIComponent(section.dataset.slug) + "/polls/" + section.dataset.poll, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ choice: +picked.value })
      }).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.error || FAILED);
          return body;
        });
      }).then(function (poll) {
        status.textContent = THANKS;
        button.textContent = "Đổi ý kiến";
        showResults(section, poll);
      }).catch(function (error) {
        status.textContent = error && error.message && !/fetch/i.test(error.message) ? error.message : FAILED;
      }).then(function () { button.disabled = false; });
    });
  });
})();
