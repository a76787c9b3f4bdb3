/* Sasar's service worker: the officer's pages keep working with no connection.
   Pages: network first, the last good copy when offline. Static files: cache first.
   Posting a visit is the page's business (the outbox in IndexedDB), never replayed from here. */
"use strict";
var CACHE = "sasar-v1";
var SHELL = ["/static/css/sasar.css", "/static/js/outbox.js", "/static/js/visit-form.js", "/static/js/plan.js",
             "/static/img/sasar.svg", "/static/img/icon-192.png", "/offline"];
var PAGES = ["/today", "/prospects?mine=1"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }).then(warm.bind(null, PAGES)));
});

/* The visit form is one page for every prospect: it is stored once, under its bare path. */
function cacheKey(url) {
  var parsed = new URL(url);
  return parsed.pathname === "/visits/new" ? parsed.origin + "/visits/new" : url;
}

function remember(request, response) {
  if (!response || !response.ok || response.redirected || response.type !== "basic") return response;
  var copy = response.clone();
  caches.open(CACHE).then(function (cache) { cache.put(cacheKey(request.url || request), copy); });
  return response;
}

function warm(urls) {
  return Promise.all(urls.map(function (url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      return remember(new Request(new URL(url, self.location.origin).href), response);
    }).catch(function () { return null; });
  }));
}

self.addEventListener("message", function (event) {
  if (!event.data || !event.data.warm) return;
  var source = event.source;
  event.waitUntil(warm(event.data.warm.concat(PAGES)).then(function () {
    if (source) source.postMessage({ warmed: true });
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) { return remember(request, response); });
    }));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      return remember(request, response);
    }).catch(function () {
      return caches.match(cacheKey(request.url)).then(function (hit) {
        return hit || caches.match("/offline");
      });
    }));
  }
});
