/* Offline: the app shell from the cache, API reads network-first with the
 * last answer as the fallback; plans are also kept in localStorage by the app. */
"use strict";
var SHELL = "yueyou-shell-v1";
var DATA = "yueyou-data-v1";
var FILES = ["./", "app/geo.js", "app/app.js", "app/app.css", "app/leaflet.js", "app/leaflet.css"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (c) { return c.addAll(FILES); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET" || new URL(req.url).origin !== self.location.origin) return;
  var api = new URL(req.url).pathname.indexOf("/v1/") >= 0;
  var cacheName = api ? DATA : SHELL;
  event.respondWith(
    fetch(req).then(function (res) {
      if (res.ok) {
        var copy = res.clone();
        caches.open(cacheName).then(function (c) { c.put(req, copy); });
      }
      return res;
    }).catch(function () {
      return caches.match(req, { ignoreSearch: false }).then(function (hit) {
        return hit || caches.match(req, { ignoreSearch: true }) || Response.error();
      });
    })
  );
});
