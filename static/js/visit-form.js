/* The visit form: takes the phone's position, shows the decline reasons only when they apply,
   and saves through the outbox so that a visit logged without signal is kept and sent later. */
(function () {
  "use strict";
  var form = document.querySelector("[data-visit-form]");
  if (!form) return;
  var messages = document.querySelector("template[data-messages]").dataset;
  var status = form.querySelector("[data-position-status]");
  var errorBox = form.querySelector("[data-form-error]");
  var notice = document.querySelector("[data-form-notice]");
  var params = new URLSearchParams(location.search);

  /* Offline the form is the stored shell (filled by workingset.js): the address says which prospect. */
  if (params.get("prospect")) form.elements.prospect_id.value = params.get("prospect");

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0; return (c === "x" ? r : (r & 3 | 8)).toString(16);
    });
  }
  form.elements.client_uuid.value = newId();

  var declineBox = document.querySelector("[data-decline-reason]");
  var outcomeBox = form.querySelector("fieldset.outcomes");
  var outcomeError = form.querySelector("[data-outcome-error]");
  function toggleDecline() {
    var chosen = form.querySelector("input[name=outcome]:checked");
    declineBox.hidden = !chosen || chosen.value !== "not_interested";
    if (chosen) { outcomeError.hidden = true; outcomeBox.classList.remove("has-error"); }
  }
  /* Said at the field, in the words the server would use. */
  function outcomeMissing() {
    outcomeError.hidden = false;
    outcomeBox.classList.add("has-error");
    outcomeBox.scrollIntoView({ block: "start" });
    form.elements.outcome[0].focus({ preventScroll: true });
  }
  form.addEventListener("change", toggleDecline);
  toggleDecline();

  function locate() {
    if (!("geolocation" in navigator)) return;
    status.textContent = messages.locating;
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.latitude.value = position.coords.latitude.toFixed(6);
      form.elements.longitude.value = position.coords.longitude.toFixed(6);
      form.elements.accuracy_m.value = Math.round(position.coords.accuracy);
      form.elements.position_source.value = "gps";
      status.textContent = messages.located.replace("{m}", Math.round(position.coords.accuracy));
    }, function () {
      status.textContent = messages.noPosition;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }
  locate();
  ["latitude", "longitude", "accuracy_m"].forEach(function (name) {
    form.elements[name].addEventListener("input", function () { form.elements.position_source.value = "manual"; });
  });

  function number(name) {
    var value = form.elements[name].value.trim().replace(",", ".");
    return value === "" ? null : Number(value);
  }
  function text(name) { var v = form.elements[name].value.trim(); return v === "" ? null : v; }

  function body() {
    var outcome = form.querySelector("input[name=outcome]:checked");
    return {
      id: form.elements.client_uuid.value, prospect_id: Number(form.elements.prospect_id.value),
      outcome: outcome ? outcome.value : null, visited_at: new Date().toISOString(),
      decline_reason: outcome && outcome.value === "not_interested" ? text("decline_reason") : null,
      notes: text("notes"), next_follow_up: text("next_follow_up"),
      latitude: number("latitude"), longitude: number("longitude"), accuracy_m: number("accuracy_m"),
      position_source: number("latitude") === null ? null : form.elements.position_source.value
    };
  }

  function showProblem(problem) {
    var lines = (problem.errors || []).map(function (e) { return e.message; });
    errorBox.textContent = messages.error + " " + [problem.detail].concat(lines).filter(Boolean).join(" ");
    errorBox.hidden = false;
  }

  function queued(visit) {
    return window.SasarOutbox.enqueue(visit).then(function () {
      errorBox.hidden = true;
      form.reset();
      form.elements.client_uuid.value = newId();
      notice.textContent = messages.queued;
      notice.hidden = false;
      window.scrollTo(0, 0);  /* the confirmation sits at the top of the page */
      notice.focus({ preventScroll: true });
      toggleDecline();
      locate();
    });
  }

  form.addEventListener("submit", function (event) {
    if (!window.SasarOutbox || !window.fetch) return;  /* plain form post still works */
    event.preventDefault();
    if (!form.querySelector("input[name=outcome]:checked")) { outcomeMissing(); return; }
    var visit = body();
    if (!navigator.onLine) { queued(visit); return; }
    window.SasarOutbox.send(visit).then(function (response) {
      if (response.ok) {
        /* The visit moved the prospect on: the phone's copy is refreshed by the next page (workingset.js). The
           prospect's page confirms the save at its top ("Kunjungan tersimpan") once it finds the visit. */
        var stale = window.SasarWorkingSet ? window.SasarData.setMeta("synced_at", null) : Promise.resolve();
        return stale.catch(function () { return null; }).then(function () {
          location.assign(form.dataset.prospectUrl.replace(/0$/, String(visit.prospect_id)) +
                          "?saved=" + encodeURIComponent(visit.id));
        });
      }
      if (response.status >= 500) return queued(visit);
      return response.json().catch(function () { return { detail: String(response.status) }; }).then(showProblem);
    }, function () { return queued(visit); });
  });
})();
