// The register page: update the contribution panel as the officer types. The server computes it
// (the same function that saves the registration); without this script the "Calculate" button does.
(function () {
  "use strict";
  const form = document.getElementById("register-form");
  if (!form) return;
  const panel = form.querySelector("[data-contribution]");
  const url = form.dataset.previewUrl;
  const calculate = form.querySelector("[data-preview-button]");
  let timer = null;
  let latest = 0;

  if (calculate) calculate.hidden = true;

  function refresh() {
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (name !== "csrf_token" && typeof value === "string") params.append(name, value);
    }
    const ticket = ++latest;
    fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (data && ticket === latest) panel.innerHTML = data.html;
      })
      .catch(() => {
        if (calculate) calculate.hidden = false; // offline: let the button ask the server on submit
      });
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }

  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
})();
