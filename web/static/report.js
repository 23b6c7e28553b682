// "Báo lỗi": the words a reader selects in the page text become the "wrong words" of the report.
(function () {
  "use strict";
  const text = document.getElementById("page-text");
  const before = document.getElementById("report-before");
  if (!text || !before) return;
  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed || !text.contains(selection.anchorNode)) return;
    const chosen = selection.toString().trim().replace(/\s+/g, " ");
    if (chosen) {
      before.value = chosen.slice(0, 200);
      document.getElementById("report").open = true;
    }
  });
})();
