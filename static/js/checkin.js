/* Door check-in: camera or image scanning, manual admit, and offline mode.
 *
 * Online, each code goes to the server (POST .../check-in/scan), which is the authority.
 * Offline (or when the request fails), the page checks the code itself: the QR payload
 * "GT1.<body>.<sig>" must carry a valid Ed25519 signature from the event's public key
 * (WebCrypto), name this event, and match a ticket of the downloaded guest list by the
 * SHA-256 of its secret. Offline admissions are queued in localStorage and synced later;
 * the server reports conflicts (one ticket admitted on two devices).
 */
(function () {
  "use strict";

  var root = document.getElementById("checkin");
  if (!root) return;

  var eventId = Number(root.dataset.eventId);
  var urls = {
    scan: root.dataset.scanUrl,
    manifest: root.dataset.manifestUrl,
    sync: root.dataset.syncUrl,
    counts: root.dataset.countsUrl,
    serviceWorker: root.dataset.serviceWorkerUrl,
  };
  var KEY = "gt-checkin-" + eventId;
  var resultSlot = document.getElementById("scan-result");

  // --- storage ------------------------------------------------------------------------
  function load(name, fallback) {
    try {
      var raw = localStorage.getItem(KEY + "-" + name);
      return raw ? JSON.parse(raw) : fallback;
    } catch (e) {
      return fallback;
    }
  }
  function save(name, value) {
    try {
      localStorage.setItem(KEY + "-" + name, JSON.stringify(value));
    } catch (e) {
      /* storage full: the manifest is the only big thing; keep going */
    }
  }

  // The guest list can be large (tens of thousands of tickets): it lives in IndexedDB,
  // which has room for it; the small queues stay in localStorage.
  function idb() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) return reject(new Error("no IndexedDB"));
      var request = indexedDB.open("gt-checkin", 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("manifests");
      };
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }
  async function loadManifest() {
    try {
      var db = await idb();
      return await new Promise(function (resolve) {
        var get = db.transaction("manifests").objectStore("manifests").get(eventId);
        get.onsuccess = function () {
          resolve(get.result || null);
        };
        get.onerror = function () {
          resolve(null);
        };
      });
    } catch (e) {
      return load("manifest", null);
    }
  }
  async function saveManifest() {
    try {
      var db = await idb();
      db.transaction("manifests", "readwrite").objectStore("manifests").put(manifest, eventId);
    } catch (e) {
      save("manifest", manifest);
    }
  }

  var manifest = null;
  var pending = load("pending", []); // [{ticket_id, checked_in_at}]
  var localAdmits = load("admitted", {}); // ticket id -> {at, device}
  var ticketIndex = {};

  function indexManifest() {
    ticketIndex = {};
    if (!manifest) return;
    manifest.tickets.forEach(function (t) {
      ticketIndex[t.id] = t;
    });
  }

  // --- device name --------------------------------------------------------------------
  var deviceInput = document.getElementById("device-name");
  var device = localStorage.getItem("gt-checkin-device");
  if (!device) {
    device = "Door " + Math.random().toString(36).slice(2, 6).toUpperCase();
    localStorage.setItem("gt-checkin-device", device);
  }
  deviceInput.value = device;
  deviceInput.addEventListener("change", function () {
    device = deviceInput.value.trim() || device;
    localStorage.setItem("gt-checkin-device", device);
  });

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- showing results ----------------------------------------------------------------
  var admittedCount = document.getElementById("admitted-count");

  function showResult(r) {
    var box = document.createElement("div");
    box.className = "ops-result ops-result-" + r.outcome;
    box.setAttribute("role", "status");
    var h = document.createElement("p");
    h.className = "ops-result-headline";
    h.textContent = r.headline + (r.offline ? " (offline)" : "");
    var m = document.createElement("p");
    m.className = "ops-result-message";
    m.textContent = r.message;
    box.appendChild(h);
    box.appendChild(m);
    if (r.ticket) {
      var d = document.createElement("p");
      d.className = "ops-result-detail";
      d.textContent =
        r.ticket.ticket_type + " · ticket #" + r.ticket.id + " · order " + r.ticket.order;
      box.appendChild(d);
    }
    resultSlot.replaceChildren(box);
    if (r.counts) {
      showCounts(r.counts);
    } else if (r.ok) {
      admittedCount.textContent = String(Number(admittedCount.textContent || 0) + 1);
      deviceCount.textContent = String(Number(deviceCount.textContent || 0) + 1);
    }
    if (!r.ok && navigator.vibrate) navigator.vibrate([120, 60, 120]);
  }

  // The event's total inside (all devices) and this device's own count.
  var deviceCount = document.getElementById("device-count");
  var validCount = document.getElementById("valid-count");
  function showCounts(c) {
    admittedCount.textContent = String(c.inside);
    validCount.textContent = String(c.valid);
    var offlineHere = pending.length; // admissions made here that the server has not seen
    deviceCount.textContent = String(c.device_count + offlineHere);
  }
  async function refreshCounts() {
    if (!navigator.onLine || !urls.counts) return;
    try {
      var response = await fetch(urls.counts + "?device=" + encodeURIComponent(device), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.ok) showCounts(await response.json());
    } catch (e) {
      /* offline: the local counts stand */
    }
  }

  var HEADLINES = {
    ok: "Valid — checked in",
    duplicate: "Already checked in",
    wrong_event: "Wrong event",
    revoked: "Ticket not valid",
    unknown: "Unknown ticket",
  };

  function local(outcome, message, ticket) {
    return {
      outcome: outcome,
      ok: outcome === "ok",
      headline: HEADLINES[outcome],
      message: message,
      offline: true,
      ticket: ticket
        ? { id: ticket.id, attendee: ticket.name, ticket_type: ticket.type, order: ticket.order }
        : null,
    };
  }

  // --- base64url and crypto -----------------------------------------------------------
  function b64urlToBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function hex(buffer) {
    return Array.prototype.map
      .call(new Uint8Array(buffer), function (b) {
        return b.toString(16).padStart(2, "0");
      })
      .join("");
  }

  var publicKeyPromise = null;
  function publicKey() {
    if (!publicKeyPromise) {
      publicKeyPromise = crypto.subtle.importKey(
        "raw",
        b64urlToBytes(manifest.public_key),
        { name: "Ed25519" },
        false,
        ["verify"]
      );
    }
    return publicKeyPromise;
  }

  function when(iso) {
    var d = new Date(iso);
    return d.toLocaleTimeString("en-GB", { timeZone: "Africa/Lagos", hour12: false });
  }

  async function checkOffline(payload) {
    if (!manifest) {
      return local("unknown", "No guest list on this device: connect once to download it.");
    }
    var parts = payload.trim().split(".");
    if (parts.length !== 3 || parts[0] !== "GT1") {
      return local("unknown", "This code is not a getiickets ticket.");
    }
    var claim;
    try {
      var valid = await crypto.subtle.verify(
        { name: "Ed25519" },
        await publicKey(),
        b64urlToBytes(parts[2]),
        new TextEncoder().encode(parts[0] + "." + parts[1])
      );
      claim = JSON.parse(new TextDecoder().decode(b64urlToBytes(parts[1])));
      if (!valid) {
        // Perhaps signed for another event (its key is not here): say so if it says so.
        if (claim && claim.e !== eventId) {
          return local("wrong_event", "This ticket is for another event.");
        }
        return local("unknown", "This code is not a getiickets ticket (signature fails).");
      }
    } catch (e) {
      return local("unknown", "This code is not a getiickets ticket (signature fails).");
    }
    if (claim.e !== eventId) {
      return local("wrong_event", "This ticket is for another event.");
    }
    var ticket = ticketIndex[claim.t];
    var digest = hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(claim.s)));
    if (!ticket || ticket.h !== digest) {
      return local("unknown", "No ticket matches this code.");
    }
    return admitOffline(ticket);
  }

  function admitOffline(ticket) {
    if (ticket.status === "transferred") {
      return local("revoked", "This ticket was transferred to someone else.", ticket);
    }
    if (ticket.status !== "valid") {
      return local("revoked", "This ticket was cancelled or refunded.", ticket);
    }
    var mine = localAdmits[ticket.id];
    if (mine) {
      return local(
        "duplicate",
        ticket.name + " was already admitted at " + when(mine.at) + " on " + mine.device + ".",
        ticket
      );
    }
    if (ticket.checked_in_at) {
      return local(
        "duplicate",
        ticket.name +
          " was already admitted at " +
          when(ticket.checked_in_at) +
          (ticket.device ? " on " + ticket.device : "") +
          ".",
        ticket
      );
    }
    var at = new Date().toISOString();
    localAdmits[ticket.id] = { at: at, device: device };
    pending.push({ ticket_id: ticket.id, checked_in_at: at });
    save("admitted", localAdmits);
    save("pending", pending);
    showPending();
    return local("ok", "Welcome, " + ticket.name + ".", ticket);
  }

  function rememberOnline(r) {
    // Keep the local guest list in step, so going offline later still knows who is in.
    if (r.ticket && ticketIndex[r.ticket.id] && (r.ok || r.outcome === "duplicate")) {
      ticketIndex[r.ticket.id].checked_in_at = r.checked_in_at || new Date().toISOString();
      ticketIndex[r.ticket.id].device = r.device || "";
      saveManifest();
    }
  }

  async function postScan(body) {
    var response = await fetch(urls.scan, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify(Object.assign({ device: device }, body)),
    });
    if (!response.ok) throw new Error("scan failed: " + response.status);
    return response.json();
  }

  var busy = false;
  var lastCode = null;
  var lastAt = 0;

  async function handleCode(payload, opts) {
    payload = (payload || "").trim();
    if (!payload) return;
    var now = Date.now();
    if (!(opts && opts.force) && payload === lastCode && now - lastAt < 3000) return;
    if (busy) return;
    busy = true;
    lastCode = payload;
    lastAt = now;
    try {
      var result;
      if (navigator.onLine) {
        try {
          result = await postScan({ payload: payload });
          rememberOnline(result);
        } catch (e) {
          result = await checkOffline(payload);
        }
      } else {
        result = await checkOffline(payload);
      }
      showResult(result);
    } finally {
      busy = false;
    }
  }

  async function admitById(ticketId) {
    var result;
    if (navigator.onLine) {
      try {
        result = await postScan({ ticket_id: ticketId });
        rememberOnline(result);
      } catch (e) {
        result = null;
      }
    }
    if (!result) {
      var ticket = ticketIndex[ticketId];
      result = ticket ? admitOffline(ticket) : local("unknown", "No ticket matches.");
    }
    showResult(result);
    window.scrollTo({ top: 0, behavior: "smooth" });
  }

  // --- decoding -----------------------------------------------------------------------
  var detector = null;
  if ("BarcodeDetector" in window) {
    try {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (e) {
      detector = null;
    }
  }
  var canvas = document.createElement("canvas");
  var ctx = canvas.getContext("2d", { willReadFrequently: true });

  async function decode(source, width, height) {
    if (detector) {
      try {
        var codes = await detector.detect(source);
        if (codes.length) return codes[0].rawValue;
      } catch (e) {
        /* fall through to jsQR */
      }
    }
    if (!window.jsQR || !width || !height) return null;
    var scale = Math.min(1, 1024 / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
    var image = ctx.getImageData(0, 0, canvas.width, canvas.height);
    var code = window.jsQR(image.data, image.width, image.height, {
      inversionAttempts: "attemptBoth",
    });
    return code ? code.data : null;
  }

  // "Scan from image": the same decoder on a photo or file.
  var imageInput = document.getElementById("scan-image");
  document.getElementById("scan-image-label").hidden = false;
  imageInput.addEventListener("change", async function () {
    var file = imageInput.files && imageInput.files[0];
    if (!file) return;
    try {
      var bitmap = await createImageBitmap(file);
      var text = await decode(bitmap, bitmap.width, bitmap.height);
      if (text) {
        await handleCode(text, { force: true });
      } else {
        showResult(local("unknown", "No QR code found in that picture."));
      }
    } finally {
      imageInput.value = "";
    }
  });

  // Camera
  var video = document.getElementById("scan-video");
  var startButton = document.getElementById("camera-start");
  var stopButton = document.getElementById("camera-stop");
  var videoWrap = document.getElementById("video-wrap");
  var stream = null;
  var lastFrame = 0;

  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    startButton.hidden = false;
  }

  async function tick(time) {
    if (!stream) return;
    if (time - lastFrame > 200 && video.readyState >= 2 && !busy) {
      lastFrame = time;
      var text = await decode(video, video.videoWidth, video.videoHeight);
      if (text) await handleCode(text);
    }
    requestAnimationFrame(tick);
  }

  startButton.addEventListener("click", async function () {
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment" },
        audio: false,
      });
    } catch (e) {
      showResult(local("unknown", "The camera could not be opened: " + e.message));
      return;
    }
    video.srcObject = stream;
    await video.play();
    videoWrap.hidden = false;
    startButton.hidden = true;
    stopButton.hidden = false;
    requestAnimationFrame(tick);
  });

  stopButton.addEventListener("click", function () {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    videoWrap.hidden = true;
    startButton.hidden = false;
    stopButton.hidden = true;
  });

  // Typed code and manual admit: same path, no page load.
  document.getElementById("code-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var input = document.getElementById("code-input");
    handleCode(input.value, { force: true });
    input.value = "";
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.classList || !form.classList.contains("ops-admit-form")) return;
    e.preventDefault();
    admitById(Number(form.querySelector("input[name=ticket_id]").value));
  });

  // Offline search: when the network is gone, search the local guest list instead.
  var searchForm = document.getElementById("search-form"); // only for those allowed to admit by hand
  if (searchForm) searchForm.addEventListener("submit", function (e) {
    if (navigator.onLine || !manifest) return;
    e.preventDefault();
    var q = document.getElementById("search-q").value.trim().toLowerCase();
    var list = document.createElement("ul");
    list.className = "ops-search-results";
    list.id = "search-results";
    manifest.tickets
      .filter(function (t) {
        return (
          q.length >= 2 &&
          ((t.name || "").toLowerCase().includes(q) || (t.order || "").toLowerCase() === q)
        );
      })
      .slice(0, 20)
      .forEach(function (t) {
        var li = document.createElement("li");
        var label = document.createElement("div");
        label.textContent = t.name + " · " + t.type + " · " + t.order;
        var form = document.createElement("form");
        form.className = "ops-admit-form";
        form.innerHTML =
          '<input type="hidden" name="ticket_id"><button class="button button-small" type="submit">Check in</button>';
        form.querySelector("input").value = t.id;
        li.appendChild(label);
        li.appendChild(form);
        list.appendChild(li);
      });
    var old = document.getElementById("search-results");
    if (old) old.replaceWith(list);
    else e.target.after(list);
  });

  // --- manifest and sync --------------------------------------------------------------
  var manifestStatus = document.getElementById("manifest-status");
  var pendingStatus = document.getElementById("pending-status");
  var netStatus = document.getElementById("net-status");
  var syncReport = document.getElementById("sync-report");

  function showManifest() {
    if (!manifest) return;
    manifestStatus.textContent =
      "Guest list on this device: " +
      manifest.tickets.length +
      " tickets, downloaded " +
      when(manifest.generated_at) +
      ".";
    root.dataset.manifestReady = "true";
  }

  function showPending() {
    pendingStatus.textContent = pending.length
      ? pending.length + " offline check-in" + (pending.length === 1 ? "" : "s") + " waiting to sync."
      : "Nothing waiting to sync.";
  }

  async function refreshManifest() {
    try {
      var response = await fetch(urls.manifest, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok) throw new Error(String(response.status));
      if (response.headers.get("X-Checkin-Cached")) throw new Error("network unavailable");
      manifest = await response.json();
      // Our own queued admissions are not on the server yet: keep them marked.
      publicKeyPromise = null;
      saveManifest();
      indexManifest();
      showManifest();
    } catch (e) {
      manifestStatus.textContent = manifest
        ? "Could not refresh the guest list; using the copy on this device."
        : "Could not download the guest list.";
    }
  }

  var SYNC_BATCH = 1000; // the server takes at most 5,000 records a request

  async function sync() {
    if (!pending.length || !navigator.onLine) {
      showPending();
      return;
    }
    var batch = pending.slice(0, SYNC_BATCH);
    try {
      var response = await fetch(urls.sync, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrfToken(),
        },
        body: JSON.stringify({ device: device, records: batch }),
      });
      if (!response.ok) throw new Error(String(response.status));
      var report = await response.json();
      var sent = {};
      batch.forEach(function (r) {
        sent[r.ticket_id + "@" + r.checked_in_at] = true;
      });
      pending = pending.filter(function (r) {
        return !sent[r.ticket_id + "@" + r.checked_in_at];
      });
      save("pending", pending);
      renderReport(report);
      if (report.counts) showCounts(report.counts);
      if (pending.length) return sync(); // the next batch
      refreshManifest();
    } catch (e) {
      syncReport.textContent = "Sync failed; will try again when the connection is back.";
    }
    showPending();
  }

  function renderReport(report) {
    var box = document.createElement("div");
    box.className =
      "ops-sync " + (report.conflicts.length ? "ops-sync-conflict" : "ops-sync-ok");
    var p = document.createElement("p");
    p.textContent =
      "Synced: " +
      report.applied.length +
      " new, " +
      report.already.length +
      " already known, " +
      report.conflicts.length +
      " conflict" +
      (report.conflicts.length === 1 ? "" : "s") +
      (report.rejected.length ? ", " + report.rejected.length + " rejected" : "") +
      ".";
    box.appendChild(p);
    if (report.conflicts.length) {
      var ul = document.createElement("ul");
      report.conflicts.forEach(function (c) {
        var li = document.createElement("li");
        li.textContent =
          "Conflict: " +
          c.attendee +
          " (ticket #" +
          c.ticket_id +
          ") was also admitted on " +
          c.other_device +
          " at " +
          when(c.other_device_at) +
          ". Kept: " +
          c.kept +
          ".";
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    report.rejected.forEach(function (r) {
      var q = document.createElement("p");
      q.textContent = "Rejected ticket #" + r.ticket_id + ": " + r.reason;
      box.appendChild(q);
    });
    syncReport.replaceChildren(box);
  }

  function showNetwork() {
    if (navigator.onLine) {
      netStatus.textContent = "Online";
      netStatus.className = "badge badge-success";
      netStatus.dataset.state = "online";
    } else {
      netStatus.textContent = "Offline — checking on this device";
      netStatus.className = "badge badge-warning";
      netStatus.dataset.state = "offline";
    }
  }

  window.addEventListener("online", function () {
    showNetwork();
    sync();
  });
  window.addEventListener("offline", showNetwork);
  document.getElementById("manifest-refresh").addEventListener("click", refreshManifest);
  document.getElementById("sync-now").addEventListener("click", sync);

  // --- keyboard-wedge scanners -------------------------------------------------------
  // A hand-held 2D scanner types the code and presses Enter. With the code box focused the
  // form's submit admits; anywhere else on the page, keys ending in Enter that spell a
  // ticket code are taken as a scan (a pause of over a second starts afresh).
  var codeInput = document.getElementById("code-input");
  var wedge = { text: "", last: 0 };
  document.addEventListener("keydown", function (e) {
    var target = e.target;
    var typing =
      target &&
      (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable);
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    var now = Date.now();
    if (now - wedge.last > 1000) wedge.text = "";
    wedge.last = now;
    if (e.key === "Enter") {
      if (wedge.text.length >= 8 && wedge.text.indexOf("GT") === 0) {
        e.preventDefault();
        handleCode(wedge.text, { force: true });
      }
      wedge.text = "";
    } else if (e.key.length === 1) {
      wedge.text += e.key;
    }
  });
  // With a mouse (a desk with a USB scanner) the code box starts focused; on a touch screen
  // focusing it would open the on-screen keyboard, and the page-wide handler above is enough.
  var finePointer = window.matchMedia && window.matchMedia("(pointer: fine)").matches;
  if (codeInput && finePointer && !document.getElementById("search-q")?.value) {
    codeInput.focus({ preventScroll: true });
  }

  // --- surviving a reload offline -------------------------------------------------------
  // The service worker keeps the last good copy of this page, its scripts and the guest
  // list; this page puts them in its cache now, so the very first visit is enough.
  if ("serviceWorker" in navigator && "caches" in window && urls.serviceWorker) {
    navigator.serviceWorker
      .register(urls.serviceWorker, { scope: "/organizer/" })
      .then(function () {
        var assets = [location.pathname, urls.manifest];
        document.querySelectorAll("link[rel=stylesheet][href], script[src]").forEach(function (el) {
          var src = el.getAttribute("href") || el.getAttribute("src");
          if (src && src.indexOf("/static/") === 0) assets.push(src);
        });
        return caches.open("gt-checkin-v1").then(function (cache) {
          return Promise.all(
            assets.map(function (a) {
              return cache.add(a).catch(function () {});
            })
          );
        });
      })
      .then(function () {
        root.dataset.offlineReady = "true";
      })
      .catch(function () {
        /* no service worker: the guest list in IndexedDB still works until a reload */
      });
  }

  showNetwork();
  showPending();
  refreshCounts();
  loadManifest().then(function (stored) {
    if (stored && !manifest) {
      manifest = stored;
      indexManifest();
      showManifest();
    }
    root.dataset.ready = "true";
    if (navigator.onLine) refreshManifest().then(sync);
  });
})();
