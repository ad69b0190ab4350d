/* Check-in service worker: the door's check-in page, its scripts and styles and the signed
 * guest list keep working through a reload or a browser restart without a network.
 *
 * Served as /organizer/check-in-sw.js (scope /organizer/) by organizer.views.checkin. It answers only the check-in
 * pages, their guest lists and static files; every other request goes to the network as
 * if it were not here. Network first: a fresh copy whenever there is a connection, the last
 * good copy when there is none.
 */
"use strict";

var CACHE = "gt-checkin-v1";
var CHECK_IN_PAGE = /^\/organizer\/events\/\d+\/check-in(\/manifest\.json)?$/;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function handled(request) {
  if (request.method !== "GET") return false;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return false;
  return CHECK_IN_PAGE.test(url.pathname) || url.pathname.indexOf("/static/") === 0;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (!handled(request)) return;
  var url = new URL(request.url);
  var key = url.origin + url.pathname; // a search (?q=) offline still gets the page
  event.respondWith(
    fetch(request)
      .then(function (response) {
        if (response.ok && !url.search) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) {
            cache.put(key, copy);
          });
        }
        return response;
      })
      .catch(function () {
        return caches.open(CACHE).then(function (cache) {
          return cache.match(key).then(function (hit) {
            if (!hit) return Response.error();
            // Say it is the copy kept on this device, so the page can tell the door staff.
            var headers = new Headers(hit.headers);
            headers.set("X-Checkin-Cached", "1");
            return hit.blob().then(function (body) {
              return new Response(body, { status: hit.status, headers: headers });
            });
          });
        });
      })
  );
});
