// "Keep for offline listening": registers the service worker and keeps (or drops) this bulletin's
// page, audio, captions and cover in its cache; on the list pages it marks the bulletins kept.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !("caches" in window)) return;
  var CACHE = "sohoa-offline-v1", TITLES = "/audio/.saved/";
  var SHARED = ["/static/style.css", "/static/player.js", "/static/polls.js", "/static/offline.js", "/static/favicon.svg"];
  navigator.serviceWorker.register("/audio/offline.js", { scope: "/audio/" }).catch(function () {});

  function keep(cache, url) {
    // no-store: the browser's HTTP cache may hold only the ranges the player asked for (a 206).
    return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (!response.ok) throw new Error(url);
      return cache.put(url, response);
    });
  }

  caches.open(CACHE).then(function (cache) {
    cache.keys().then(function (keys) {
      var kept = keys.map(function (r) { return new URL(r.url).pathname; });
      Array.prototype.forEach.call(document.querySelectorAll(".card-link[data-slug]"), function (link) {
        var badge = link.querySelector(".saved-badge");
        if (badge) badge.hidden = kept.indexOf(TITLES + link.dataset.slug) < 0;
      });
    });

    var article = document.getElementById("bulletin");
    var panel = document.getElementById("offline");
    if (!article || !panel) return;
    var slug = article.dataset.slug, page = "/audio/" + slug + "/";
    var files = [page].concat(article.dataset.files.split(" ").filter(Boolean), SHARED);
    var button = document.getElementById("save-offline"), status = document.getElementById("offline-status");
    var saved = false;

    function show(isSaved, message) {
      saved = isSaved;
      button.textContent = isSaved ? "Xóa bản lưu trên máy" : "Lưu để nghe khi không có mạng";
      status.textContent = message || (isSaved ? "Đã lưu: nghe được cả khi không có mạng." : "");
    }

    panel.hidden = false;
    cache.match(TITLES + slug).then(function (hit) { show(!!hit); });
    button.addEventListener("click", function () {
      button.disabled = true;
      var done = saved
        ? Promise.all(files.slice(0, files.length - SHARED.length).concat([TITLES + slug]).map(function (url) {
            return cache.delete(url);
          })).then(function () { show(false, "Đã xóa bản lưu."); })
        : (status.textContent = "Đang lưu…", Promise.all(files.map(function (url) { return keep(cache, url); }))
          .then(function () { return cache.put(TITLES + slug, new Response(article.dataset.title)); })
          .then(function () { show(true); }));
      done.catch(function () { show(saved, "Chưa lưu được (mất mạng?). Hãy thử lại."); })
        .then(function () { button.disabled = false; });
    });
  });
})();
