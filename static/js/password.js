/* Password fields: a show/hide toggle on every password input, and a strength meter on
   new-password inputs (autocomplete="new-password"). No dependencies; CSP-safe. */
(function () {
  "use strict";

  var COMMON = ["password", "123456", "qwerty", "letmein", "welcome", "iloveyou", "admin",
    "abc123", "monkey", "dragon", "football", "naija", "nigeria", "lagos", "getiickets"];
  var LABELS = ["Very weak", "Weak", "Fair", "Strong", "Very strong"];

  function score(value) {
    if (!value) return -1;
    var lower = value.toLowerCase();
    var s = 0;
    if (value.length >= 8) s++;
    if (value.length >= 12) s++;
    var kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter(function (re) {
      return re.test(value);
    }).length;
    if (kinds >= 2) s++;
    if (kinds >= 3 && value.length >= 10) s++;
    if (/(.)\1{3,}/.test(value)) s = Math.min(s, 1);
    if (/^\d+$/.test(value)) s = 0;
    for (var i = 0; i < COMMON.length; i++) {
      // A common word plus a few characters ("Password1!") is still weak.
      if (lower.indexOf(COMMON[i]) !== -1 && lower.split(COMMON[i]).join("").length < 6) {
        s = 0;
        break;
      }
    }
    if (value.length < 8) s = 0;
    return Math.max(0, Math.min(4, s));
  }

  function addToggle(input) {
    var wrap = document.createElement("span");
    wrap.className = "password-wrap";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "password-toggle";
    button.textContent = "Show";
    button.setAttribute("aria-label", "Show password");
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.textContent = show ? "Hide" : "Show";
      button.setAttribute("aria-label", show ? "Hide password" : "Show password");
      button.setAttribute("aria-pressed", show ? "true" : "false");
      input.focus();
    });
    wrap.appendChild(button);
    return wrap;
  }

  function addMeter(input, after) {
    var meter = document.createElement("div");
    meter.className = "password-strength";
    meter.hidden = true;
    meter.innerHTML = '<div class="password-strength-bar" aria-hidden="true"><span></span></div>' +
      '<span class="password-strength-label" aria-live="polite"></span>';
    after.parentNode.insertBefore(meter, after.nextSibling);
    var label = meter.querySelector(".password-strength-label");
    function update() {
      var s = score(input.value);
      meter.hidden = s < 0;
      if (s < 0) return;
      meter.setAttribute("data-score", String(s));
      label.textContent = "Password strength: " + LABELS[s];
    }
    input.addEventListener("input", update);
    update();
  }

  function init() {
    var inputs = document.querySelectorAll('input[type="password"]');
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.dataset.passwordReady) return;
      input.dataset.passwordReady = "1";
      var wrap = addToggle(input);
      var isConfirm = /2$/.test(input.name);
      if (input.autocomplete === "new-password" && !isConfirm) addMeter(input, wrap);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
