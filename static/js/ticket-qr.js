// Full-screen QR at the gate: keep the screen awake while it is shown. The page itself is
// self-contained (inline SVG, no fetches) and cached by the phone, so it opens offline.
(function () {
  "use strict";
  var lock = null;
  function keepAwake() {
    if (!("wakeLock" in navigator) || document.visibilityState !== "visible") return;
    navigator.wakeLock.request("screen").then(function (l) { lock = l; }).catch(function () {});
  }
  document.addEventListener("visibilitychange", keepAwake);
  keepAwake();
  var qr = document.querySelector(".gate-qr");
  if (qr && document.documentElement.requestFullscreen) {
    qr.addEventListener("click", function () {
      document.documentElement.requestFullscreen().catch(function () {});
    });
  }
  window.addEventListener("pagehide", function () { if (lock) lock.release(); });
})();
