/* The officer's phone: keeps his working set (phone-data.js) up to date whenever it is online, says when it last
   synced, and fills the stored shell pages (a prospect, the visit form, the day plan) with the prospect their
   address names. Registers the service worker that serves those pages without signal (sw.js). */
(function () {
  "use strict";
  var data = window.SasarData;
  var badge = document.querySelector("[data-offline-badge]");
  var lang = document.documentElement.lang || "id";
  var RESYNC_AFTER_MS = 10 * 60 * 1000;  // opening pages in a row does not sync each time

  function when(iso) {
    var at = new Date(iso), now = new Date();
    var options = { hour: "2-digit", minute: "2-digit" };
    if (at.toDateString() !== now.toDateString()) { options.day = "numeric"; options.month = "short"; }
    return new Intl.DateTimeFormat(lang, options).format(at);
  }

  function showSynced() {
    return data.meta(["synced_at", "count"]).then(function (kept) {
      if (!kept.synced_at) return;
      var text = badge ? badge.dataset.synced : "";
      text = text.replace("{n}", new Intl.NumberFormat(lang).format(kept.count || 0)).replace("{when}", when(kept.synced_at));
      if (badge && navigator.serviceWorker && navigator.serviceWorker.controller) {
        badge.textContent = text;
        badge.hidden = false;
      }
      Array.prototype.forEach.call(document.querySelectorAll("[data-ws-synced]"), function (el) { el.textContent = text; });
    });
  }

  function sync(whole) {
    if (!navigator.onLine) return Promise.resolve(null);
    return data.sync(whole).then(function (body) {
      if (body && body.full && navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ store: true });  // the shells of this session
      }
      return showSynced().then(function () { document.dispatchEvent(new CustomEvent("sasar:synced")); });
    }).catch(function () { return null; });  /* still offline, or the server busy: try on the next page */
  }

  function syncIfStale() {
    var officer = Number(document.body.dataset.officerPhone);
    return data.meta(["synced_at", "officer_id"]).then(function (kept) {
      if (kept.officer_id !== undefined && kept.officer_id !== officer) return sync(true);  // another officer's
      if (!kept.synced_at || Date.now() - new Date(kept.synced_at).getTime() > RESYNC_AFTER_MS) return sync();
      return showSynced();
    });
  }

  /* --- shells ------------------------------------------------------------------------------------------ */

  function number(value, decimals) {
    return new Intl.NumberFormat(lang, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(value);
  }

  function dressed(record, labels) {
    var out = Object.assign({}, record);
    out.stage_label = labels ? labels[record.stage] : record.stage;
    out.next_follow_up_text = record.next_follow_up
      ? new Intl.DateTimeFormat(lang, { weekday: "long", day: "numeric", month: "long", year: "numeric" })
          .format(new Date(record.next_follow_up + "T00:00:00")) : "";
    out.next_follow_up_short = record.next_follow_up
      ? new Intl.DateTimeFormat(lang, { day: "numeric", month: "short" }).format(new Date(record.next_follow_up + "T00:00:00")) : "";
    return out;
  }

  function fill(root, record) {
    function each(selector, work) { Array.prototype.forEach.call(root.querySelectorAll(selector), work); }
    each("[data-ws-text]", function (el) {
      var value = record[el.dataset.wsText];
      el.textContent = value === null || value === undefined ? "" : value;
    });
    each("[data-ws-show]", function (el) { el.hidden = !record[el.dataset.wsShow]; });
    each("[data-ws-href]", function (el) {
      el.setAttribute("href", el.dataset.wsHref.replace(/\{(\w+)\}/g, function (_, key) {
        return encodeURI(String(record[key] === null || record[key] === undefined ? "" : record[key]));  // ids, phones, degrees
      }));
    });
    each("[data-ws-stage]", function (el) { el.textContent = record.stage_label; el.className = "stage stage-" + record.stage; });
  }

  function shownProspectId() {
    var match = location.pathname.match(/^\/prospects\/(\d+)$/);
    var id = match ? match[1] : new URLSearchParams(location.search).get("prospect");
    return id && /^\d+$/.test(id) ? Number(id) : null;
  }

  function fillPlan(list, labels) {
    var row = document.querySelector("template[data-ws-plan-stop]");
    return data.meta(["plan"]).then(function (kept) {
      var stops = kept.plan || [];
      return Promise.all(stops.map(function (stop) { return data.get("prospects", stop.prospect_id); })).then(function (records) {
        records.forEach(function (record, index) {
          if (!record) return;
          var item = row.content.firstElementChild.cloneNode(true);
          var shown = dressed(record, labels);
          shown.leg_km = stops[index].leg_m === null ? "" : number(stops[index].leg_m / 1000, 1) + " km";
          fill(item, shown);
          list.appendChild(item);
        });
        document.querySelector("[data-ws-plan-empty]").hidden = list.children.length > 0;
      });
    });
  }

  /* The prospect list offline: the working set, searched as the list's form asks (name or phone, stage,
     kecamatan, assigned to me), in name order, the first LIST_SHOWN of them. */
  var LIST_SHOWN = 50;
  function fillList(list, labels) {
    var row = document.querySelector("template[data-ws-card]");
    var params = new URLSearchParams(location.search);
    var words = (params.get("q") || "").trim().toLowerCase();
    var digits = words.replace(/\D/g, "").replace(/^0/, "");
    var stage = params.get("stage"), kecamatan = Number(params.get("kecamatan")) || null, mine = params.get("mine") === "1";
    var form = document.querySelector("form.filters");
    ["q", "stage", "kecamatan"].forEach(function (name) { if (form.elements[name]) form.elements[name].value = params.get(name) || ""; });
    if (form.elements.mine) form.elements.mine.checked = mine;
    return data.all("prospects").then(function (records) {
      var found = records.filter(function (p) {
        return (!words || p.name.toLowerCase().indexOf(words) !== -1 || (digits.length > 3 && (p.phone || "").indexOf(digits) !== -1))
          && (!stage || p.stage === stage) && (!kecamatan || p.kecamatan_id === kecamatan) && (!mine || p.assigned_to_me);
      }).sort(function (a, b) { return a.name.localeCompare(b.name, lang) || a.id - b.id; });
      found.slice(0, LIST_SHOWN).forEach(function (record) {
        var item = row.content.firstElementChild.cloneNode(true);
        fill(item, dressed(record, labels));
        list.appendChild(item);
      });
      var count = document.querySelector("[data-ws-list-count]"), figure = new Intl.NumberFormat(lang).format;
      count.textContent = (found.length > LIST_SHOWN ? count.dataset.more : count.dataset.text)
        .replace("{found}", figure(found.length)).replace("{n}", figure(records.length)).replace("{shown}", figure(LIST_SHOWN));
    });
  }

  function fillShell() {
    var shell = document.querySelector("[data-ws-shell]");
    if (!shell) return Promise.resolve();
    return data.meta(["stage_labels"]).then(function (kept) {
      if (shell.hasAttribute("data-ws-plan")) return fillPlan(shell, kept.stage_labels);
      if (shell.hasAttribute("data-ws-list")) return fillList(shell, kept.stage_labels);
      var id = shownProspectId();
      return (id === null ? Promise.resolve(null) : data.get("prospects", id)).then(function (record) {
        if (!record) {
          shell.hidden = true;
          document.querySelector("[data-ws-missing]").hidden = false;
          return;
        }
        fill(shell, dressed(record, kept.stage_labels));
        document.title = record.name + " · Sasar";
      });
    });
  }

  /* --- the service worker ------------------------------------------------------------------------------ */

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("controllerchange", showSynced);
    navigator.serviceWorker.register("/sw.js").then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      /* Where the browser allows it (an installed app), the worker also syncs in the background. */
      if (registration.periodicSync) {
        registration.periodicSync.register("working-set", { minInterval: 6 * 60 * 60 * 1000 }).catch(function () { return null; });
      }
    }).catch(function () { /* no offline support in this browser: Sasar still works online */ });
  }

  window.SasarWorkingSet = { sync: sync };
  document.addEventListener("sasar:sent", function () { sync(); });  // the visits just sent moved stages
  window.addEventListener("online", function () { sync(); });
  fillShell().then(syncIfStale).catch(function () { return null; });  /* signed out meanwhile */
})();
