// Event page: "Copy link" button (the link is also shown in a read-only field as a fallback).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-copy]");
    if (!button) return;
    var text = button.getAttribute("data-copy");
    var done = function () {
      var label = button.textContent;
      button.textContent = "Link copied";
      setTimeout(function () { button.textContent = label; }, 2000);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () {});
    } else {
      var field = document.querySelector(".share-url input");
      if (field) { field.select(); document.execCommand("copy"); done(); }
    }
  });
})();

// Catalogue: the filters are folded behind a button on phones and open on wide screens.
(function () {
  "use strict";
  var filters = document.querySelector("[data-filters]");
  if (filters && window.matchMedia("(min-width: 900px)").matches) filters.open = true;
})();
