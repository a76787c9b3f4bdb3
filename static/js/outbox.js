/* Sasar's outbox: visits logged without a connection wait in IndexedDB and are sent when it returns.
   Also registers the service worker that keeps the officer's pages available offline. */
(function () {
  "use strict";
  var DB_NAME = "sasar", STORE = "outbox";
  var banner = document.querySelector("[data-outbox]");
  var csrf = document.querySelector('meta[name="csrf-token"]');
  var flushing = false;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "body.id" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function all() { return withStore("readonly", function (store) { return store.getAll(); }); }
  function put(item) { return withStore("readwrite", function (store) { store.put(item); }); }
  function remove(id) { return withStore("readwrite", function (store) { store.delete(id); }); }

  function showCount() {
    if (!banner) return Promise.resolve();
    return all().then(function (items) {
      var waiting = items.filter(function (i) { return !i.error; }).length;
      var failed = items.length - waiting;
      var parts = [];
      if (waiting) parts.push(banner.dataset.waiting.replace("{n}", waiting));
      if (failed) parts.push(banner.dataset.failed.replace("{n}", failed));
      banner.textContent = parts.join(" · ");
      banner.hidden = parts.length === 0;
    });
  }

  function send(body) {
    return fetch(banner.dataset.syncUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": csrf ? csrf.content : "" },
      body: JSON.stringify(body)
    });
  }

  /* Send everything waiting, oldest first. A network failure stops the round (still offline);
     a refusal the officer must fix (e.g. 422) keeps the visit, marked with the reason, never dropped. */
  function flush() {
    if (flushing || !banner || !navigator.onLine) return Promise.resolve();
    flushing = true;
    return all().then(function (items) {
      items.sort(function (a, b) { return a.queuedAt - b.queuedAt; });
      return items.reduce(function (chain, item) {
        return chain.then(function (go) {
          if (!go || item.error) return go;
          return send(item.body).then(function (response) {
            if (response.ok) return remove(item.body.id).then(function () { return true; });
            if (response.status === 400 || response.status === 401 || response.status === 403 || response.status >= 500) return false;
            return response.json().catch(function () { return {}; }).then(function (problem) {
              item.error = problem.detail || String(response.status);
              return put(item).then(function () { return true; });
            });
          }, function () { return false; });
        });
      }, Promise.resolve(true));
    }).finally(function () { flushing = false; return showCount(); });
  }

  function enqueue(body) {
    return put({ body: body, queuedAt: Date.now() }).then(showCount);
  }

  window.SasarOutbox = { enqueue: enqueue, flush: flush, send: send, all: all, showCount: showCount };

  /* Tell the officer when this phone can carry on without signal: the service worker controls the page
     and has saved today's pages. */
  var warmed = false;
  function markReady() {
    if (!warmed || !navigator.serviceWorker.controller) return;
    var badge = document.querySelector("[data-offline-badge]");
    if (badge) badge.hidden = false;
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.warmed) { warmed = true; markReady(); }
    });
    navigator.serviceWorker.addEventListener("controllerchange", markReady);
    navigator.serviceWorker.register("/sw.js").then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      /* Keep today's prospects' pages at hand for when the signal drops. */
      var links = Array.prototype.map.call(document.querySelectorAll("a[href^='/prospects/'], a[href^='/visits/new']"),
        function (a) { return a.getAttribute("href").split("#")[0]; });
      registration.active.postMessage({ warm: links.slice(0, 60) });
    }).catch(function () { /* no offline support in this browser: Sasar still works online */ });
  }
  window.addEventListener("online", flush);
  showCount().then(flush);
})();
