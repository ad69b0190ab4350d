// Seat map: click or tap seats to pick them; keyboard: Tab into the map, arrow keys move
// (roving focus), Space/Enter toggles. Picked seats become hidden "seat" inputs of the form.
// On a phone the map shows whole and small; tapping a section (or its button in the
// section picker) shows that section alone at 44 px targets with its row labels kept in
// view and seat numbers drawn, panned by scrolling (pinch-zoom stays on); "Whole map" goes
// back. Without JavaScript the picker's links list a section's seats as checkboxes.
(function () {
  "use strict";
  var MAX = 50;
  var SCALE = 44 / 16; // a seat is 16 units across (r=8): 44 px targets when zoomed
  var SVG_NS = "http://www.w3.org/2000/svg";
  var shownSection = {}; // event slug -> section id, kept when htmx redraws the selector
  var smallScreen = window.matchMedia ? window.matchMedia("(max-width: 40em), (pointer: coarse)") : null;
  function naira(kobo) {
    return "\u20a6" + (kobo / 100).toLocaleString("en-NG", { minimumFractionDigits: 2 });
  }
  // A seat's aria-label is its place, "Balcony · Row A · Seat 4" (events.models.seat_place).
  function place(el) {
    return (el.getAttribute("aria-label") || "").replace(/, taken$/, "");
  }
  function setup(form) {
    if (form.dataset.ready) { return; }
    form.dataset.ready = "1";
    var svg = form.querySelector("[data-seatmap]");
    if (!svg) { return; }
    var slug = (form.closest("[data-event]") || form).getAttribute("data-event") || "";
    var seats = Array.prototype.slice.call(svg.querySelectorAll("circle.s"));
    var groups = Array.prototype.slice.call(svg.querySelectorAll("g[data-section]"));
    var box = svg.closest(".seatmap");
    var inputs = form.querySelector("[data-seat-inputs]");
    var summary = form.querySelector("[data-seat-summary]");
    var submit = form.querySelector("[data-seat-submit]");
    var viewBar = form.querySelector("[data-seat-view]");
    var viewName = form.querySelector("[data-seat-view-name]");
    var links = Array.prototype.slice.call(form.querySelectorAll("[data-section-link]"));
    var help = form.querySelector("[data-seat-help]");
    if (help) { help.hidden = false; } // tapping seats needs this script
    var fullViewBox = svg.getAttribute("viewBox");
    var shown = null;
    var prices = {};
    (form.getAttribute("data-prices") || "").split(",").forEach(function (pair) {
      var bits = pair.split(":");
      if (bits.length === 2) { prices[bits[0]] = parseInt(bits[1], 10); }
    });
    var picked = {};
    Array.prototype.forEach.call(inputs.querySelectorAll("input"), function (i) { picked[i.value] = true; });
    // The no-JavaScript list of one section (?section=): keep its ticks, show the map instead.
    var list = form.querySelector("[data-seat-list]");
    var listed = null;
    if (list) {
      Array.prototype.forEach.call(list.querySelectorAll("input:checked"), function (i) { picked[i.value] = true; });
      var current = form.querySelector("[data-section-link][aria-current]");
      listed = current ? current.getAttribute("data-section-link") : null;
      list.parentNode.removeChild(list);
    }
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
    // The summary: a count and total read out when they change, then the picks by place.
    summary.textContent = "";
    summary.hidden = false;
    summary.removeAttribute("aria-live");
    var head = document.createElement("p");
    head.setAttribute("aria-live", "polite");
    var items = document.createElement("ul");
    items.className = "seat-picks";
    items.setAttribute("role", "list");
    summary.appendChild(head);
    summary.appendChild(items);
    function render() {
      inputs.textContent = "";
      items.textContent = "";
      var ids = Object.keys(picked);
      var total = 0;
      ids.forEach(function (id) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = "seat"; input.value = id;
        inputs.appendChild(input);
        var el = byId[id];
        var band = el ? /\bb(\d)\b/.exec(el.getAttribute("class")) : null;
        var price = band ? prices[band[1]] || 0 : 0;
        total += price;
        var item = document.createElement("li");
        var name = document.createElement("span");
        name.textContent = (el ? place(el) : "Seat " + id) + (price ? " \u2014 " + naira(price) : "");
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button button-secondary button-small";
        remove.setAttribute("data-unpick", id);
        remove.setAttribute("aria-label", "Remove " + (el ? place(el) : "seat " + id));
        remove.textContent = "Remove";
        item.appendChild(name);
        item.appendChild(remove);
        items.appendChild(item);
      });
      items.hidden = !ids.length;
      var text = !ids.length ? "No seats chosen." :
        ids.length + (ids.length === 1 ? " seat" : " seats") + (total ? " \u00b7 " + naira(total) : "");
      if (head.textContent !== text) { head.textContent = text; }
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
        if (s === from || (shown && s.parentNode !== shown)) { return; }
        var x = +s.getAttribute("cx") - fx, y = +s.getAttribute("cy") - fy;
        var along = x * dx + y * dy;
        if (along <= 0) { return; }
        var across = Math.abs(x * dy) + Math.abs(y * dx);
        var score = along + across * 3;
        if (score < bestScore) { bestScore = score; best = s; }
      });
      return best;
    }
    // The section view: the section alone, scaled so a seat is 44 px, numbers on the seats
    // and its row labels in a column that stays on screen while the buyer pans sideways.
    function showSection(id) {
      var group = svg.querySelector('g[data-section="' + id + '"]');
      if (!group) { return; }
      // The seats' own box: the row labels move to the column beside the map.
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, pad = 10;
      Array.prototype.forEach.call(group.querySelectorAll("circle.s"), function (c) {
        var cx = +c.getAttribute("cx"), cy = +c.getAttribute("cy"), r = +c.getAttribute("r");
        x0 = Math.min(x0, cx - r); y0 = Math.min(y0, cy - r);
        x1 = Math.max(x1, cx + r); y1 = Math.max(y1, cy + r);
      });
      var view = [x0 - pad, y0 - pad, x1 - x0 + 2 * pad, y1 - y0 + 2 * pad];
      groups.forEach(function (g) { g.style.display = g === group ? "" : "none"; });
      svg.setAttribute("viewBox", view.join(" "));
      svg.style.width = Math.ceil(view[2] * SCALE) + "px";
      svg.style.height = Math.ceil(view[3] * SCALE) + "px";
      if (!group.getAttribute("data-numbered")) {
        group.setAttribute("data-numbered", "1");
        Array.prototype.forEach.call(group.querySelectorAll("circle.s"), function (el) {
          var n = /Seat (.+)$/.exec(place(el));
          var text = document.createElementNS(SVG_NS, "text");
          text.setAttribute("x", el.getAttribute("cx"));
          text.setAttribute("y", +el.getAttribute("cy") + 2.5);
          text.setAttribute("class", "n");
          text.setAttribute("text-anchor", "middle");
          text.setAttribute("aria-hidden", "true");
          text.textContent = n ? n[1] : "";
          group.insertBefore(text, el.nextSibling);
        });
      }
      box.classList.add("is-section");
      var column = box.querySelector(".seat-rows");
      if (!column) {
        column = document.createElement("div");
        column.className = "seat-rows";
        column.setAttribute("aria-hidden", "true");
        box.insertBefore(column, svg);
      }
      column.textContent = "";
      var top = svg.getBoundingClientRect().top;
      Array.prototype.forEach.call(group.querySelectorAll(".row-label"), function (label) {
        var r = label.getBoundingClientRect();
        var tag = document.createElement("span");
        tag.textContent = label.textContent;
        tag.style.top = (r.top - top + r.height / 2) + "px";
        column.appendChild(tag);
      });
      shown = group;
      shownSection[slug] = id;
      // Keyboard: Tab lands on a seat of the section shown (the others are hidden).
      var current = svg.querySelector('circle.s[tabindex="0"]');
      if (!current || current.parentNode !== group) {
        var first = group.querySelector("circle.s:not(.x)") || group.querySelector("circle.s");
        if (current) { current.setAttribute("tabindex", "-1"); }
        if (first) { first.setAttribute("tabindex", "0"); }
      }
      var name = (group.getAttribute("aria-label") || "").replace(/^Section /, "");
      if (viewBar) { viewBar.hidden = false; viewName.textContent = name; }
      links.forEach(function (a) {
        if (a.getAttribute("data-section-link") === String(id)) { a.setAttribute("aria-current", "true"); }
        else { a.removeAttribute("aria-current"); }
      });
      box.scrollLeft = 0;
      box.scrollTop = 0;
    }
    function showOverview() {
      groups.forEach(function (g) { g.style.display = ""; });
      svg.setAttribute("viewBox", fullViewBox);
      svg.style.width = "";
      svg.style.height = "";
      box.classList.remove("is-section");
      shown = null;
      delete shownSection[slug];
      if (viewBar) { viewBar.hidden = true; }
      links.forEach(function (a) { a.removeAttribute("aria-current"); });
    }
    links.forEach(function (a) {
      a.addEventListener("click", function (e) {
        e.preventDefault();
        showSection(a.getAttribute("data-section-link"));
        (viewBar || box).scrollIntoView({ block: "start" });
      });
    });
    if (viewBar) {
      viewBar.querySelector("[data-seat-overview]").addEventListener("click", function () {
        showOverview();
        box.scrollIntoView({ block: "nearest" });
      });
    }
    summary.addEventListener("click", function (e) {
      var button = e.target.closest ? e.target.closest("[data-unpick]") : null;
      if (button) { toggle(byId[button.getAttribute("data-unpick")]); }
    });
    svg.addEventListener("click", function (e) {
      var el = e.target.closest ? e.target.closest("circle.s") : null;
      // On a phone the overview's seats are too small to hit: a tap opens its section.
      var small = !el || el.getBoundingClientRect().width < 40;
      if (!shown && small && smallScreen && smallScreen.matches) {
        var group = e.target.closest ? e.target.closest("g[data-section]") : null;
        if (group) { showSection(group.getAttribute("data-section")); }
        return;
      }
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
    // The status poll (every 3 s) and a refused hold answer with the seats now taken, or
    // those still free when that list is shorter (#seats-taken, out of band): grey the taken
    // ones, drop them from the pick, free the ones released since, and recount each section.
    form.applySeats = function (list, listIsFree) {
      var ids = {}, changed = false;
      list.split(",").forEach(function (id) { if (id) { ids[id] = true; } });
      seats.forEach(function (el) {
        var id = el.getAttribute("data-id");
        var isTaken = listIsFree ? !ids[id] : !!ids[id];
        if (isTaken === el.classList.contains("x")) { return; }
        changed = true;
        el.classList.toggle("x", isTaken);
        if (isTaken) {
          el.setAttribute("aria-disabled", "true");
          el.setAttribute("aria-label", place(el) + ", taken");
          if (picked[id]) { delete picked[id]; }
          el.classList.remove("on");
          el.setAttribute("aria-checked", "false");
        } else {
          el.removeAttribute("aria-disabled");
          el.setAttribute("aria-label", place(el));
        }
      });
      if (!changed) { return; } // the poll's usual answer: nothing to redraw or announce
      groups.forEach(function (g) {
        var free = form.querySelector('[data-section-free="' + g.getAttribute("data-section") + '"]');
        if (free) { free.textContent = g.querySelectorAll("circle.s:not(.x)").length + " free"; }
      });
      render();
    };
    render();
    var again = listed || shownSection[slug];
    if (again) { showSection(again); }
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
