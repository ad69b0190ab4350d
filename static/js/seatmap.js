// Seat map: click or tap seats to pick them; keyboard: Tab into the map, arrow keys move
// (roving focus), Space/Enter toggles. Picked seats become hidden "seat" inputs of the form.
(function () {
  "use strict";
  var MAX = 50;
  function naira(kobo) {
    return "\u20a6" + (kobo / 100).toLocaleString("en-NG", { minimumFractionDigits: 2 });
  }
  function setup(form) {
    if (form.dataset.ready) { return; }
    form.dataset.ready = "1";
    var svg = form.querySelector("[data-seatmap]");
    if (!svg) { return; }
    var seats = Array.prototype.slice.call(svg.querySelectorAll("circle.s"));
    var inputs = form.querySelector("[data-seat-inputs]");
    var summary = form.querySelector("[data-seat-summary]");
    var submit = form.querySelector("[data-seat-submit]");
    var prices = {};
    (form.getAttribute("data-prices") || "").split(",").forEach(function (pair) {
      var bits = pair.split(":");
      if (bits.length === 2) { prices[bits[0]] = parseInt(bits[1], 10); }
    });
    var picked = {};
    Array.prototype.forEach.call(inputs.querySelectorAll("input"), function (i) { picked[i.value] = true; });
    var byId = {};
    seats.forEach(function (el, index) {
      el.setAttribute("role", "checkbox");
      el.setAttribute("tabindex", index === 0 ? "0" : "-1");
      var taken = el.classList.contains("x");
      if (taken) { el.setAttribute("aria-disabled", "true"); }
      var id = el.getAttribute("data-id");
      byId[id] = el;
      if (picked[id] && taken) { delete picked[id]; }
      el.classList.toggle("on", !!picked[id]);
      el.setAttribute("aria-checked", picked[id] ? "true" : "false");
    });
    function render() {
      inputs.textContent = "";
      var ids = Object.keys(picked);
      var total = 0;
      ids.forEach(function (id) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = "seat"; input.value = id;
        inputs.appendChild(input);
        var el = byId[id];
        var band = el ? /\bb(\d)\b/.exec(el.getAttribute("class")) : null;
        if (band) { total += prices[band[1]] || 0; }
      });
      if (!ids.length) {
        summary.textContent = "No seats chosen.";
      } else {
        var labels = ids.map(function (id) {
          var label = byId[id] ? byId[id].getAttribute("aria-label") : id;
          return label.split(",")[0];
        });
        summary.textContent = ids.length + (ids.length === 1 ? " seat: " : " seats: ") +
          labels.join("; ") + (total ? " \u2014 " + naira(total) : "");
      }
      if (submit) { submit.disabled = !ids.length; }
    }
    function toggle(el) {
      if (!el || el.classList.contains("x")) { return; }
      var id = el.getAttribute("data-id");
      if (picked[id]) { delete picked[id]; }
      else {
        if (Object.keys(picked).length >= MAX) { return; }
        picked[id] = true;
      }
      el.classList.toggle("on", !!picked[id]);
      el.setAttribute("aria-checked", picked[id] ? "true" : "false");
      render();
    }
    function focusSeat(el) {
      if (!el) { return; }
      seats.forEach(function (s) { if (s.getAttribute("tabindex") === "0") { s.setAttribute("tabindex", "-1"); } });
      el.setAttribute("tabindex", "0");
      el.focus();
    }
    function nearest(from, dx, dy) {
      var fx = +from.getAttribute("cx"), fy = +from.getAttribute("cy");
      var best = null, bestScore = Infinity;
      seats.forEach(function (s) {
        if (s === from) { return; }
        var x = +s.getAttribute("cx") - fx, y = +s.getAttribute("cy") - fy;
        var along = x * dx + y * dy;
        if (along <= 0) { return; }
        var across = Math.abs(x * dy) + Math.abs(y * dx);
        var score = along + across * 3;
        if (score < bestScore) { bestScore = score; best = s; }
      });
      return best;
    }
    svg.addEventListener("click", function (e) {
      var el = e.target.closest ? e.target.closest("circle.s") : null;
      if (el) { toggle(el); focusSeat(el); }
    });
    svg.addEventListener("keydown", function (e) {
      var el = e.target.closest ? e.target.closest("circle.s") : null;
      if (!el) { return; }
      var moves = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
      if (e.key === " " || e.key === "Enter") { e.preventDefault(); toggle(el); }
      else if (moves[e.key]) {
        e.preventDefault();
        focusSeat(nearest(el, moves[e.key][0], moves[e.key][1]));
      }
    });
    // A refused hold answers with the seats now taken, or those still free when that list
    // is shorter (#seats-taken, out of band): grey the taken ones, drop them from the pick,
    // and free the ones released since the page was drawn.
    // Zoom: seats grow to 44 px targets (r=8 in a 20-unit grid at 2.75x); the map scrolls.
    var zoom = form.querySelector("[data-seat-zoom]");
    if (zoom) {
      var natural = parseFloat(svg.getAttribute("width")) || svg.getBoundingClientRect().width;
      zoom.addEventListener("click", function () {
        var on = zoom.getAttribute("aria-pressed") !== "true";
        zoom.setAttribute("aria-pressed", on ? "true" : "false");
        zoom.textContent = on ? "Zoom out" : "Zoom in";
        svg.style.width = on ? (natural * 2.75) + "px" : "";
        svg.style.maxWidth = on ? "none" : "";
        svg.style.height = "auto";
        svg.closest(".seatmap").classList.toggle("is-zoomed", on);
      });
    }
    form.applySeats = function (list, listIsFree) {
      var listed = {};
      list.split(",").forEach(function (id) { if (id) { listed[id] = true; } });
      seats.forEach(function (el) {
        var id = el.getAttribute("data-id");
        var isTaken = listIsFree ? !listed[id] : !!listed[id];
        el.classList.toggle("x", isTaken);
        if (isTaken) {
          el.setAttribute("aria-disabled", "true");
          el.setAttribute("aria-label", el.getAttribute("aria-label").replace(/(, taken)?$/, ", taken"));
          if (picked[id]) { delete picked[id]; }
          el.classList.remove("on");
          el.setAttribute("aria-checked", "false");
        } else {
          el.removeAttribute("aria-disabled");
          el.setAttribute("aria-label", el.getAttribute("aria-label").replace(/, taken$/, ""));
        }
      });
      render();
    };
    render();
  }
  function init(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("[data-seatmap-form]"), setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(); });
  } else { init(); }
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
  document.addEventListener("htmx:oobAfterSwap", function () {
    var list = document.getElementById("seats-taken");
    if (!list) { return; }
    var listIsFree = list.hasAttribute("data-free");
    if (!listIsFree && !list.hasAttribute("data-taken")) { return; }
    var ids = list.getAttribute(listIsFree ? "data-free" : "data-taken");
    Array.prototype.forEach.call(document.querySelectorAll("[data-seatmap-form]"), function (form) {
      if (form.applySeats) { form.applySeats(ids, listIsFree); }
    });
    list.removeAttribute("data-free");
    list.removeAttribute("data-taken");
  });
  // The selector answers "sold out" (409), a bad request (400) or "too many tries" (429)
  // with itself re-rendered: let htmx swap those in instead of ignoring them.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var status = e.detail.xhr.status;
    if (status === 400 || status === 409 || status === 410 || status === 429) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
})();
