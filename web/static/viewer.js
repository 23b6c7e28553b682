// Deep zoom for the page image: OpenSeadragon over the page's IIIF image service, the search
// hits as overlays. Without JavaScript (or for internal documents, which have no IIIF) the
// page keeps its plain image with the hits drawn on it.
(function () {
  "use strict";
  var holder = document.getElementById("deep-zoom");
  if (!holder || !window.OpenSeadragon) { return; }
  var boxes = JSON.parse(holder.getAttribute("data-boxes") || "[]");
  holder.hidden = false;
  var plain = document.getElementById("page-image");
  if (plain) { plain.setAttribute("aria-hidden", "true"); plain.classList.add("replaced"); }
  var info = holder.getAttribute("data-info");
  var viewer = window.OpenSeadragon({
    element: holder,
    prefixUrl: "/static/openseadragon/images/",
    showNavigator: false,
    gestureSettingsTouch: { pinchRotate: false },
    maxZoomPixelRatio: 4,
    visibilityRatio: 1
  });
  // Tiles from this very site: the service's absolute id names the configured public address
  // (SOHOA_BASE_URL), which a reader behind another name or port could not load from.
  fetch(info).then(function (r) { return r.json(); }).then(function (service) {
    service.id = info.replace(/\/info\.json$/, "");
    viewer.open(service);
  });
  viewer.addHandler("open", function () {
    boxes.forEach(function (b) {
      var mark = document.createElement("div");
      mark.className = "hit-overlay";
      mark.title = b.text;
      viewer.addOverlay({ element: mark, location: viewer.viewport.imageToViewportRectangle(b.left - 4, b.top - 4, b.width + 8, b.height + 8) });
    });
    holder.setAttribute("data-ready", "1");
  });
  window.sohoaViewer = viewer;  // for the browser tests
})();
