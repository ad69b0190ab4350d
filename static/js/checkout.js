// Checkout: a live countdown for the hold (data-expires-at) and a Pay button that cannot be
// pressed twice. The server already makes a double click harmless; this just looks calmer.
(function () {
  "use strict";

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function startCountdown(el) {
    var deadline = Date.parse(el.getAttribute("data-expires-at"));
    if (isNaN(deadline)) { return; }
    var wrap = el.querySelector(".checkout-countdown-left");
    var out = el.querySelector("[data-countdown-left]");
    if (wrap) { wrap.hidden = false; }
    function tick() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      if (out) { out.textContent = Math.floor(left / 60) + ":" + pad(left % 60); }
      if (left <= 0) {
        el.classList.add("is-expired");
        el.textContent = "Your reservation has expired. Please choose your tickets again.";
        document.querySelectorAll("[data-pay-button]").forEach(function (b) { b.disabled = true; });
        return;
      }
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  function guardPay() {
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var button = event.submitter;
        if (!button || !button.hasAttribute("data-pay-button")) { return; }
        if (button.dataset.sent) { event.preventDefault(); return; }
        button.dataset.sent = "1";
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  }

  function init() {
    document.querySelectorAll("[data-expires-at]").forEach(startCountdown);
    guardPay();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
})();
