// Site-wide behaviour. Everything works without it; it only keeps the header menu open on wide
// screens for browsers that cannot style <details> content (no ::details-content support).
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 56rem)");
  function sync() {
    document.querySelectorAll("details.site-menu").forEach(function (menu) {
      if (wide.matches) {
        menu.setAttribute("open", "");
      } else if (!menu.dataset.touched) {
        menu.removeAttribute("open");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("details.site-menu > summary").forEach(function (summary) {
      summary.addEventListener("click", function () {
        summary.parentElement.dataset.touched = "1";
      });
    });
    sync();
  });
  if (wide.addEventListener) {
    wide.addEventListener("change", sync);
  }
})();
