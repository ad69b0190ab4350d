// Hold countdown: every element with data-expires-at (an ISO time) shows m:ss left.
// When it reaches zero it shows data-expired-text and, if set, goes to data-expired-url.
(function () {
  "use strict";
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function tick(el) {
    var end = Date.parse(el.getAttribute("data-expires-at"));
    if (isNaN(end)) { return false; }
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    if (left <= 0) {
      el.textContent = "0:00";
      el.classList.add("is-expired");
      var note = el.getAttribute("data-expired-text");
      var box = el.closest(".hold-countdown");
      if (note && box) { box.textContent = note; box.classList.add("message-error"); }
      var url = el.getAttribute("data-expired-url");
      if (url) { window.location.assign(url); }
      return false;
    }
    el.textContent = Math.floor(left / 60) + ":" + pad(left % 60);
    el.classList.toggle("is-urgent", left <= 60);
    el.setAttribute("aria-label", Math.floor(left / 60) + " minutes " + (left % 60) + " seconds left");
    return true;
  }
  function start() {
    var els = Array.prototype.slice.call(document.querySelectorAll("[data-expires-at]"));
    if (!els.length) { return; }
    els = els.filter(tick);
    var timer = window.setInterval(function () {
      els = els.filter(tick);
      if (!els.length) { window.clearInterval(timer); }
    }, 1000);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
})();
