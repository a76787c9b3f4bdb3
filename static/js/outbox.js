/* Sasar's outbox: visits logged without a connection wait on the phone (phone-data.js) and are sent when it
   returns. Signing out first offers to send what waits, then leaves nothing of the person on the device. */
(function () {
  "use strict";
  var data = window.SasarData;
  var banner = document.querySelector("[data-outbox]");
  var csrf = document.querySelector('meta[name="csrf-token"]');
  var flushing = null;

  /* Nothing waits where nothing was ever kept: looking must not make the database (other roles' browsers). */
  function all() { return data.exists().then(function (there) { return there ? data.all("outbox") : []; }); }

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
  function flush(leaving) {
    if (!banner || !navigator.onLine) return Promise.resolve();
    if (flushing) return flushing;
    var sent = 0;
    flushing = all().then(function (items) {
      items.sort(function (a, b) { return a.queuedAt - b.queuedAt; });
      return items.reduce(function (chain, item) {
        return chain.then(function (go) {
          if (!go || item.error) return go;
          return send(item.body).then(function (response) {
            if (response.ok) { sent += 1; return data.remove("outbox", item.body.id).then(function () { return true; }); }
            if (response.status === 400 || response.status === 401 || response.status === 403 || response.status >= 500) return false;
            return response.json().catch(function () { return {}; }).then(function (problem) {
              item.error = problem.detail || String(response.status);
              return data.put("outbox", item).then(function () { return true; });
            });
          }, function () { return false; });
        });
      }, Promise.resolve(true));
    }).finally(function () {
      flushing = null;
      if (sent && leaving !== true) document.dispatchEvent(new CustomEvent("sasar:sent", { detail: { sent: sent } }));
      return showCount();
    });
    return flushing;
  }

  function enqueue(body) {
    return data.put("outbox", { body: body, queuedAt: Date.now() }).then(showCount);
  }

  window.SasarOutbox = { enqueue: enqueue, flush: flush, send: send, all: all, showCount: showCount };

  /* Sign-out: the server's Clear-Site-Data answer wipes the device, so nothing waiting may be left in the
     outbox unless the officer chose so; this page wipes too, for browsers that ignore the header. */
  function forgetPages() {
    var jobs = [];
    if (window.caches) {
      jobs.push(caches.keys().then(function (keys) { return Promise.all(keys.map(function (k) { return caches.delete(k); })); }));
    }
    if ("serviceWorker" in navigator) {
      jobs.push(navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (r) { return r.unregister(); }));
      }));
    }
    return Promise.all(jobs).catch(function () { return null; });
  }
  function forget() { return Promise.all([forgetPages(), data.wipe()]).catch(function () { return null; }); }

  var signOut = document.querySelector("form[data-sign-out]");
  var dialog = document.querySelector("dialog[data-sign-out-dialog]");
  function leave() { forget().then(function () { signOut.submit(); }); }

  function warn(items) {
    var message = dialog.querySelector("[data-sign-out-message]");
    var text = navigator.onLine ? message.dataset.waiting : message.dataset.offline;
    message.textContent = text.replace("{n}", items.length);
    dialog.querySelector("[data-sign-out-send]").disabled = !navigator.onLine;
    if (!dialog.open) dialog.showModal();
  }

  if (signOut && dialog) {
    signOut.addEventListener("submit", function (event) {
      event.preventDefault();
      all().then(function (items) { if (items.length) warn(items); else leave(); }, leave);
    });
    dialog.querySelector("[data-sign-out-send]").addEventListener("click", function () {
      flush(true).then(all).then(function (items) { if (items.length) warn(items); else leave(); });
    });
    dialog.querySelector("[data-sign-out-discard]").addEventListener("click", leave);
    dialog.querySelector("[data-sign-out-cancel]").addEventListener("click", function () { dialog.close(); });
  }

  /* Only an officer's phone keeps pages: for anyone else, take away what an earlier session may have left. */
  if (!document.body.hasAttribute("data-officer-phone")) forgetPages();

  window.addEventListener("online", function () { flush(); });
  showCount().then(function () { return flush(); });
})();
