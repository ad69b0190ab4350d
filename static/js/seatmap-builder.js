// Seat map builder: click seats (or a row letter) to select them; the selection fills the
// hidden seat_ids field of the "Selected seats" form. The builder is re-rendered by htmx
// after each action, so everything here uses event delegation on the document.
(function () {
  "use strict";
  var selected = new Set();

  function builder() { return document.getElementById("seatmap-builder"); }

  function sync() {
    var root = builder();
    if (!root) return;
    var input = root.querySelector('input[name$="seat_ids"]');
    if (input) input.value = Array.from(selected).join(",");
    var count = root.querySelector("[data-selection-count]");
    if (count) count.textContent = selected.size + " selected";
  }

  function toggle(seat, on) {
    var id = seat.getAttribute("data-id");
    if (on === undefined) on = !selected.has(id);
    if (on) { selected.add(id); seat.classList.add("sel"); }
    else { selected.delete(id); seat.classList.remove("sel"); }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var seat = target.closest("#seatmap-builder use[data-id]");
    if (seat) { toggle(seat); sync(); return; }
    var row = target.closest("#seatmap-builder .row-label");
    if (row) {
      var seats = builder().querySelectorAll(
        'use[data-s="' + row.getAttribute("data-section") + '"][data-r="' +
        CSS.escape(row.getAttribute("data-row")) + '"]');
      var allOn = Array.prototype.every.call(seats, function (s) { return selected.has(s.getAttribute("data-id")); });
      seats.forEach(function (s) { toggle(s, !allOn); });
      sync();
      return;
    }
    if (target.closest("[data-clear-selection]")) {
      builder().querySelectorAll("use.sel").forEach(function (s) { s.classList.remove("sel"); });
      selected.clear();
      sync();
    }
  });

  // Validation errors (400) and refusals (409) come back as the re-rendered builder: show them.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function () {
    selected.clear();
    sync();
  });
})();
