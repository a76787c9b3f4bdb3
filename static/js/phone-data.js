/* What Sasar keeps on the officer's phone, in IndexedDB: the outbox (visits waiting to be sent), the working
   set (his prospects, today's plan) and when it was last synced. No page here: the pages (outbox.js,
   workingset.js) and the service worker (periodic sync) share it. */
(function (scope) {
  "use strict";
  var DB_NAME = "sasar", VERSION = 2;
  var WORKING_SET_URL = "/visits/working-set";
  var opening = null, wiped = false;

  function open() {
    /* Signed out: the page is on its way to the sign-in page and must keep nothing more; what it still does
       waits for ever instead of making the database again. */
    if (wiped) return new Promise(function () { return null; });
    if (opening) return opening;
    opening = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "body.id" });
        if (!db.objectStoreNames.contains("prospects")) db.createObjectStore("prospects", { keyPath: "id" });
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta");
      };
      request.onsuccess = function () {
        var db = request.result;
        /* Sign-out deletes the database: let it, and open afresh next time. */
        db.onversionchange = function () { db.close(); opening = null; };
        db.onclose = function () { opening = null; };
        resolve(db);
      };
      request.onerror = function () { opening = null; reject(request.error); };
    });
    return opening;
  }

  /* Run `work(stores)` in one transaction; resolves with what it returned (a request's result once done). */
  function transact(names, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(names, mode);
        var stores = {};
        names.forEach(function (name) { stores[name] = tx.objectStore(name); });
        var result = work(stores);
        tx.oncomplete = function () { resolve(result && "readyState" in result ? result.result : result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function all(name) { return transact([name], "readonly", function (s) { return s[name].getAll(); }); }
  function get(name, key) { return transact([name], "readonly", function (s) { return s[name].get(key); }); }
  function put(name, value) { return transact([name], "readwrite", function (s) { s[name].put(value); }); }
  function remove(name, key) { return transact([name], "readwrite", function (s) { s[name].delete(key); }); }
  function setMeta(key, value) { return transact(["meta"], "readwrite", function (s) { s.meta.put(value, key); }); }
  function meta(keys) {
    return transact(["meta"], "readonly", function (s) {
      var found = {};
      keys.forEach(function (key) { s.meta.get(key).onsuccess = function (e) { found[key] = e.target.result; }; });
      return found;
    });
  }

  /* The server's check on the set: how many ids, and the sum of id × 2654435761 modulo 2³² (crm/visits/workingset.py). */
  function members(ids) {
    var hash = 0;
    ids.forEach(function (id) { hash = (hash + (Math.imul(id, 2654435761 | 0) >>> 0)) % 4294967296; });
    return { count: ids.length, hash: hash };
  }

  function apply(body) {
    return transact(["prospects", "meta"], "readwrite", function (s) {
      if (body.full) s.prospects.clear();
      body.prospects.forEach(function (p) { s.prospects.put(p); });
      body.removed.forEach(function (id) { s.prospects.delete(id); });
      ["cursor", "synced_at", "day", "plan", "stage_labels", "officer_id"].forEach(function (key) { s.meta.put(body[key], key); });
      s.meta.put(body.members.count, "count");
    }).then(function () {
      return transact(["prospects"], "readonly", function (s) { return s.prospects.getAllKeys(); });
    }).then(function (ids) {
      var held = members(ids);
      return held.count === body.members.count && held.hash === body.members.hash;
    });
  }

  /* Bring the working set up to date: only what changed since the last sync, or the whole set the first time,
     when the server does not know the cursor, or when the phone finds it does not hold exactly the set. */
  function sync(whole) {
    return meta(["cursor"]).then(function (kept) {
      var url = WORKING_SET_URL + (kept.cursor && !whole ? "?since=" + encodeURIComponent(kept.cursor) : "");
      return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } });
    }).then(function (response) {
      if (response.status === 422 && !whole) return sync(true);
      if (!response.ok) throw new Error("working set: HTTP " + response.status);
      return response.json().then(function (body) {
        return apply(body).then(function (complete) {
          if (!complete && !body.full) return sync(true);
          return body;
        });
      });
    });
  }

  /* Whether this device holds Sasar's database at all (asking through open() would make it). */
  function exists() {
    if (!indexedDB.databases) return Promise.resolve(true);
    return indexedDB.databases().then(function (list) {
      return list.some(function (d) { return d.name === DB_NAME; });
    }, function () { return true; });
  }

  /* Nothing of the person stays: the database goes whole (the caller has dealt with the outbox first). */
  function wipe() {
    var closing = open();
    wiped = true;  // a sync still under way must not make the database again
    return closing.then(function (db) { db.close(); opening = null; }, function () { return null; }).then(function () {
      return new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
      });
    });
  }

  scope.SasarData = { all: all, get: get, put: put, remove: remove, meta: meta, setMeta: setMeta, sync: sync, wipe: wipe, exists: exists,
                      members: members };
})(self);
