// Offline listening: bulletins the listener chose to keep are answered from this cache when the
// network is gone. Served as /audio/offline.js so that its scope covers /audio/ (every bulletin).
// Pages and files are fetched from the network first (always fresh when online); audio that was
// kept is played from the cache, which also answers the player's Range requests.
"use strict";
var CACHE = "sohoa-offline-v1";
var TITLES = "/audio/.saved/"; // one small entry per kept bulletin: its title, for the offline list

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function ranged(response, request) {
  var range = /bytes=(\d*)-(\d*)/.exec(request.headers.get("range") || "");
  if (!range) return response;
  return response.blob().then(function (blob) {
    var start = range[1] ? +range[1] : Math.max(0, blob.size - +range[2]);
    var end = range[1] && range[2] ? Math.min(+range[2], blob.size - 1) : blob.size - 1;
    return new Response(blob.slice(start, end + 1), { status: 206, headers: {
      "Content-Type": response.headers.get("Content-Type") || "application/octet-stream",
      "Content-Range": "bytes " + start + "-" + end + "/" + blob.size,
      "Content-Length": String(end - start + 1) } });
  });
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
}

// Any other page asked for offline: the list of kept bulletins, which still play.
function offlineList(cache) {
  return cache.keys().then(function (keys) {
    var kept = keys.filter(function (r) { return new URL(r.url).pathname.indexOf(TITLES) === 0; });
    return Promise.all(kept.map(function (r) {
      return cache.match(r).then(function (hit) { return hit.text(); }).then(function (title) {
        var slug = new URL(r.url).pathname.slice(TITLES.length);
        return '<li class="card"><a class="card-link" href="/audio/' + slug + '/"><span class="card-title">' +
          escapeHtml(title) + "</span></a></li>";
      });
    }));
  }).then(function (items) {
    var body = '<!doctype html><html lang="vi"><head><meta charset="utf-8">' +
      '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Không có mạng</title>' +
      '<link rel="stylesheet" href="/static/style.css"><link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' +
      '</head><body><main id="main"><h1>Không có mạng</h1>' +
      (items.length ? '<p class="lead">Các bản tin đã lưu vẫn nghe được:</p><ul class="cards" id="saved">' +
        items.join("") + "</ul>" : "<p>Chưa có bản tin nào được lưu để nghe khi không có mạng.</p>") +
      "</main></body></html>";
    return new Response(body, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return cache.match(url.pathname).then(function (kept) {
      if (kept && request.destination === "audio") return ranged(kept, request);
      return fetch(request).catch(function (error) {
        if (kept) return ranged(kept, request);
        if (request.mode === "navigate") return offlineList(cache);
        throw error;
      });
    });
  }));
});
