// The bulletin player: chapters to jump to, read-along captions, and resume where the listener stopped.
// No inline script (the Content-Security-Policy forbids it): this file finds its elements by id.
(function () {
  "use strict";
  var audio = document.getElementById("player");
  var article = document.getElementById("bulletin");
  if (!audio || !article) return;
  var key = "sohoa:position:" + article.dataset.slug;
  var cues = Array.prototype.slice.call(document.querySelectorAll("#transcript .cue"));
  var chapters = Array.prototype.slice.call(document.querySelectorAll("#chapters .chapter"));
  var playButton = document.getElementById("play");
  var resume = document.getElementById("resume");
  var lastSaved = 0;

  function clock(seconds) {
    seconds = Math.floor(seconds);
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function seek(seconds, play) {
    audio.currentTime = Math.max(0, seconds);
    if (play) audio.play().catch(function () {});
  }

  function mark(list, time, startOf, endOf) {
    var current = null;
    list.forEach(function (el, i) {
      var start = startOf(el, i), end = endOf(el, i);
      var on = time >= start && time < end;
      el.classList.toggle("active", on);
      if (on) { el.setAttribute("aria-current", "true"); current = el; } else { el.removeAttribute("aria-current"); }
    });
    return current;
  }

  var shown = null;
  function follow() {
    var t = audio.currentTime;
    var cue = mark(cues, t, function (el) { return +el.dataset.start; }, function (el) { return +el.dataset.end; });
    mark(chapters, t, function (el) { return +el.dataset.start; }, function (el, i) {
      return i + 1 < chapters.length ? +chapters[i + 1].dataset.start : Infinity;
    });
    if (cue && cue !== shown && !audio.paused) cue.scrollIntoView({ block: "nearest", behavior: "smooth" });
    shown = cue;
    if (Math.abs(t - lastSaved) >= 2) save();
  }

  function save() {
    lastSaved = audio.currentTime;
    try {
      if (audio.duration && audio.currentTime > audio.duration - 3) localStorage.removeItem(key);
      else localStorage.setItem(key, String(Math.floor(audio.currentTime * 10) / 10));
    } catch (e) { /* private browsing: no resume, playback still works */ }
  }

  function restore() {
    var saved = 0;
    try { saved = parseFloat(localStorage.getItem(key) || "0"); } catch (e) { saved = 0; }
    if (!(saved > 3) || (audio.duration && saved > audio.duration - 3)) return;
    audio.currentTime = saved;
    resume.hidden = false;
    resume.textContent = "Tiếp tục từ " + clock(saved) + ", chỗ bạn đã nghe tới. ";
    var again = document.createElement("button");
    again.type = "button";
    again.className = "link";
    again.textContent = "Nghe lại từ đầu";
    again.addEventListener("click", function () { seek(0, true); resume.hidden = true; });
    resume.appendChild(again);
  }

  function label() {
    playButton.textContent = audio.paused ? "▶ Phát" : "❚❚ Tạm dừng";
    playButton.setAttribute("aria-label", audio.paused ? "Phát" : "Tạm dừng");
  }

  document.getElementById("controls").hidden = false;
  playButton.addEventListener("click", function () { if (audio.paused) audio.play().catch(function () {}); else audio.pause(); });
  document.getElementById("back").addEventListener("click", function () { seek(audio.currentTime - 15, false); });
  document.getElementById("forward").addEventListener("click", function () { seek(audio.currentTime + 15, false); });
  document.getElementById("speed").addEventListener("change", function (e) { audio.playbackRate = parseFloat(e.target.value); });
  chapters.forEach(function (el) { el.addEventListener("click", function () { seek(+el.dataset.start, true); }); });
  cues.forEach(function (el) { el.addEventListener("click", function () { seek(+el.dataset.start, true); }); });
  audio.addEventListener("timeupdate", follow);
  audio.addEventListener("seeked", follow);
  audio.addEventListener("play", label);
  audio.addEventListener("pause", function () { label(); save(); });
  audio.addEventListener("ended", function () { try { localStorage.removeItem(key); } catch (e) {} });
  if (audio.readyState >= 1) restore(); else audio.addEventListener("loadedmetadata", restore, { once: true });
  window.addEventListener("pagehide", save);
})();
