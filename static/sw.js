/* Sasar's service worker, registered by officers' pages only (workingset.js).

   Pages: network first, but never waiting on a slow network: when the server has not answered within
   NETWORK_WAIT_MS the stored copy is shown (and the network's answer still refreshes it); when nothing is
   stored the page waits for the network as it would without a worker. What is stored is little: Today, and
   the shells of the prospect list, a prospect page, the visit form and the day plan, which hold no prospect
   and fill themselves from the working set in IndexedDB (phone-data.js). Static files: the stored copy at once, refreshed behind.
   Posting a visit is the page's business (the outbox), never replayed from here. */
"use strict";
importScripts("/static/js/phone-data.js");

var CACHE = "sasar-v3";
var NETWORK_WAIT_MS = 2500;
var STATIC = ["/static/css/sasar.css", "/static/js/phone-data.js", "/static/js/outbox.js", "/static/js/workingset.js",
              "/static/js/visit-form.js", "/static/js/plan.js", "/static/img/sasar.svg", "/static/img/icon-192.png"];
var PAGES = ["/today", "/prospects/list/shell", "/prospects/shell", "/visits/new/shell", "/plan/shell", "/offline"];

/* Which stored page answers a navigation, or null: a page that is never stored. */
function storedPageFor(url) {
  if (url.pathname === "/today" || url.pathname === "/offline") return url.pathname;
  if (url.pathname === "/prospects") return "/prospects/list/shell";
  if (/^\/prospects\/\d+$/.test(url.pathname)) return "/prospects/shell";
  if (url.pathname === "/visits/new") return "/visits/new/shell";
  if (url.pathname === "/plan") return "/plan/shell";
  return null;
}

function storable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

function storePages() {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(PAGES.map(function (path) {
      return fetch(path, { credentials: "same-origin" }).then(function (response) {
        return storable(response) ? cache.put(path, response) : null;
      }).catch(function () { return null; });
    }));
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(STATIC); })
    .then(storePages).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () {
    /* The page's request leaves while the worker starts, instead of after. */
    return self.registration.navigationPreload ? self.registration.navigationPreload.enable() : null;
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.store) event.waitUntil(storePages());
});

self.addEventListener("periodicsync", function (event) {
  if (event.tag === "working-set") event.waitUntil(self.SasarData.sync().catch(function () { return null; }));
});

function fromNetwork(event) {
  return Promise.resolve(event.preloadResponse).then(function (preloaded) { return preloaded || fetch(event.request); });
}

function page(event, url) {
  var key = storedPageFor(url);
  var network = fromNetwork(event);
  if (key === null) {
    return network.catch(function () { return caches.match("/offline"); });
  }
  if (key === url.pathname && !url.search) {
    event.waitUntil(network.then(function (response) {
      if (!storable(response)) return null;
      var copy = response.clone();
      return caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
    }).catch(function () { return null; }));
  }
  return new Promise(function (resolve) {
    var settled = false;
    function answer(response) { if (!settled && response) { settled = true; resolve(response); } }
    var timer = setTimeout(function () { caches.match(key).then(answer); }, NETWORK_WAIT_MS);
    network.then(function (response) { clearTimeout(timer); answer(response); }, function () {
      clearTimeout(timer);
      caches.match(key).then(function (hit) { return hit || caches.match("/offline"); }).then(answer);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(page(event, url));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (hit) {
        var refresh = fetch(request).then(function (response) {
          if (storable(response)) return cache.put(request, response.clone()).then(function () { return response; });
          return response;
        });
        if (hit) { event.waitUntil(refresh.catch(function () { return null; })); return hit; }
        return refresh;
      });
    }));
  }
});
