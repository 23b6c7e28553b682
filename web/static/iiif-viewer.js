// A IIIF Presentation 3 manifest in OpenSeadragon: its label and metadata, one canvas a page, each
// painted from its image service. Reads only what the manifest says, so it shows what Mirador or
// Universal Viewer would be given.
(function () {
  "use strict";
  var holder = document.getElementById("manifest-viewer");
  if (!holder || !window.OpenSeadragon) { return; }
  function text(value) {  // a language map: Vietnamese first, else any
    if (!value) { return ""; }
    var values = value.vi || value.none || value[Object.keys(value)[0]] || [];
    return values.join(" ");
  }
  // Services from this very site: their ids name the configured public address (SOHOA_BASE_URL),
  // which a reader behind another name or port could not load from.
  function local(id) { var u = new URL(id, location.href); return u.pathname; }
  fetch(holder.getAttribute("data-manifest")).then(function (r) { return r.json(); }).then(function (manifest) {
    document.getElementById("manifest-label").textContent = text(manifest.label);
    var list = document.getElementById("manifest-metadata");
    (manifest.metadata || []).forEach(function (pair) {
      var term = document.createElement("dt"), value = document.createElement("dd");
      term.textContent = text(pair.label);
      value.textContent = text(pair.value);
      list.appendChild(term);
      list.appendChild(value);
    });
    var canvases = manifest.items || [];
    var sources = canvases.map(function (canvas) {
      var service = canvas.items[0].items[0].body.service[0];
      return local(service.id || service["@id"]) + "/info.json";
    });
    var viewer = window.OpenSeadragon({
      element: holder, prefixUrl: "/static/openseadragon/images/", showNavigator: false,
      gestureSettingsTouch: { pinchRotate: false }, maxZoomPixelRatio: 4, visibilityRatio: 1,
      sequenceMode: true, showSequenceControl: false, tileSources: sources
    });
    var shown = document.getElementById("manifest-page");
    function show(index) {
      shown.textContent = text(canvases[index].label) + " / " + canvases.length;
      holder.setAttribute("data-page", String(index + 1));
    }
    viewer.addHandler("page", function (event) { show(event.page); });
    viewer.addHandler("open", function () { holder.setAttribute("data-ready", "1"); });
    document.getElementById("manifest-previous").addEventListener("click", function () {
      if (viewer.currentPage() > 0) { viewer.goToPage(viewer.currentPage() - 1); }
    });
    document.getElementById("manifest-next").addEventListener("click", function () {
      if (viewer.currentPage() < canvases.length - 1) { viewer.goToPage(viewer.currentPage() + 1); }
    });
    document.getElementById("manifest-pages").hidden = canvases.length < 2;
    show(0);
    window.sohoaManifestViewer = viewer;  // for the browser tests
  });
})();
