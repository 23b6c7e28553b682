// The bulletin player: one set of large controls, chapters, read-along captions, resume, speeds,
// the lock screen (Media Session), and a play counted once 30 seconds have been heard.
// No inline script (the Content-Security-Policy forbids it): this file finds its elements by id.
(function () {
  "use strict";
  var audio = document.getElementById("player");
  var article = document.getElementById("bulletin");
  if (!audio || !article) return;
  var slug = article.dataset.slug;
  var positionKey = "sohoa:position:" + slug, speedKey = "sohoa:speed";
  var box = document.getElementById("transcript");
  var cues = Array.prototype.slice.call(document.querySelectorAll("#transcript .cue"));
  var chapters = Array.prototype.slice.call(document.querySelectorAll("#chapters .chapter"));
  var playButton = document.getElementById("play");
  var resume = document.getElementById("resume");
  var speed = document.getElementById("speed");
  var seekBar = document.getElementById("seek");
  var clockText = document.getElementById("clock");
  var lastSaved = 0, heard = 0, lastTick = null, counted = false;
  var PLAY_COUNTS_AFTER = 30; // seconds heard, whatever the speed or the seeking

  function remember(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* private mode */ } }
  function recall(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function forget(key) { try { localStorage.removeItem(key); } catch (e) { /* private mode */ } }

  function clock(seconds) {
    seconds = Math.floor(seconds || 0);
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function seek(seconds, play) {
    audio.currentTime = Math.max(0, Math.min(seconds, audio.duration || seconds));
    if (play) audio.play().catch(function () {});
  }

  function mark(list, time, startOf, endOf) {
    var current = null;
    list.forEach(function (el, i) {
      var on = time >= startOf(el, i) && time < endOf(el, i);
      el.classList.toggle("active", on);
      if (on) { el.setAttribute("aria-current", "true"); current = el; } else { el.removeAttribute("aria-current"); }
    });
    return current;
  }

  // Scroll the transcript box, never the page: the controls stay where the listener's thumb is.
  function keepInBox(cue) {
    var top = cue.offsetTop, bottom = top + cue.offsetHeight;
    if (top < box.scrollTop || bottom > box.scrollTop + box.clientHeight) {
      box.scrollTo({ top: Math.max(0, top - box.clientHeight / 3), behavior: "smooth" });
    }
  }

  var shown = null;
  function follow() {
    var t = audio.currentTime;
    var cue = mark(cues, t, function (el) { return +el.dataset.start; }, function (el) { return +el.dataset.end; });
    mark(chapters, t, function (el) { return +el.dataset.start; }, function (el, i) {
      return i + 1 < chapters.length ? +chapters[i + 1].dataset.start : Infinity;
    });
    if (cue && cue !== shown && !audio.paused && box) keepInBox(cue);
    shown = cue;
    if (seekBar && document.activeElement !== seekBar) seekBar.value = t;
    if (clockText) clockText.textContent = clock(t) + " / " + clock(audio.duration);
    if (Math.abs(t - lastSaved) >= 2) save();
  }

  function countHeard() {
    var now = performance.now();
    if (lastTick !== null && !audio.paused) heard += Math.min((now - lastTick) / 1000, 1);
    lastTick = audio.paused ? null : now;
    if (!counted && heard >= PLAY_COUNTS_AFTER) {
      counted = true;
      fetch("/api/bulletins/" + encodeURIComponent(slug) + "/plays", { method: "POST", credentials: "same-origin" })
        .catch(function () { /* offline: this play is not counted */ });
    }
  }

  function save() {
    lastSaved = audio.currentTime;
    if (audio.duration && audio.currentTime > audio.duration - 3) forget(positionKey);
    else remember(positionKey, String(Math.floor(audio.currentTime * 10) / 10));
  }

  function restore() {
    var saved = parseFloat(recall(positionKey) || "0");
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

  function setSpeed(value) {
    var rate = parseFloat(value);
    if (!(rate >= 0.75 && rate <= 2)) return;
    audio.playbackRate = audio.defaultPlaybackRate = rate;
    speed.value = String(value);
    remember(speedKey, String(value));
  }

  function chapterAt(offset) {
    var t = audio.currentTime, index = 0;
    chapters.forEach(function (el, i) { if (+el.dataset.start <= t + 0.5) index = i; });
    var target = chapters[index + offset];
    if (target) seek(+target.dataset.start, true);
  }

  function lockScreen() {
    if (!("mediaSession" in navigator) || typeof MediaMetadata === "undefined") return;
    var art = article.dataset.cover ? [{ src: article.dataset.cover, sizes: "1400x1400", type: "image/jpeg" }] : [];
    navigator.mediaSession.metadata = new MediaMetadata({
      title: article.dataset.title, artist: article.dataset.artist, album: article.dataset.album, artwork: art });
    var actions = {
      play: function () { audio.play().catch(function () {}); }, pause: function () { audio.pause(); },
      seekbackward: function () { seek(audio.currentTime - 15, false); },
      seekforward: function () { seek(audio.currentTime + 15, false); },
      seekto: function (details) { seek(details.seekTime, false); },
      previoustrack: function () { chapterAt(-1); }, nexttrack: function () { chapterAt(1); }
    };
    Object.keys(actions).forEach(function (name) {
      try { navigator.mediaSession.setActionHandler(name, actions[name]); } catch (e) { /* not supported here */ }
    });
  }

  // One set of controls: ours. Without this script the browser's own bar stays.
  audio.controls = false;
  document.getElementById("controls").hidden = false;
  playButton.addEventListener("click", function () { if (audio.paused) audio.play().catch(function () {}); else audio.pause(); });
  document.getElementById("back").addEventListener("click", function () { seek(audio.currentTime - 15, false); });
  document.getElementById("forward").addEventListener("click", function () { seek(audio.currentTime + 15, false); });
  speed.addEventListener("change", function () { setSpeed(speed.value); });
  if (seekBar) seekBar.addEventListener("change", function () { seek(+seekBar.value, false); });
  chapters.forEach(function (el) { el.addEventListener("click", function () { seek(+el.dataset.start, true); }); });
  cues.forEach(function (el) { el.addEventListener("click", function () { seek(+el.dataset.start, true); }); });
  audio.addEventListener("timeupdate", function () { follow(); countHeard(); });
  audio.addEventListener("seeked", follow);
  audio.addEventListener("play", function () { label(); lastTick = performance.now(); });
  audio.addEventListener("pause", function () { countHeard(); label(); save(); });
  audio.addEventListener("ended", function () { forget(positionKey); });
  audio.addEventListener("loadedmetadata", function () {
    if (seekBar) seekBar.max = audio.duration;
    if (recall(speedKey)) setSpeed(recall(speedKey));
  });
  if (recall(speedKey)) setSpeed(recall(speedKey));
  if (audio.readyState >= 1) restore(); else audio.addEventListener("loadedmetadata", restore, { once: true });
  window.addEventListener("pagehide", save);
  lockScreen();
})();
