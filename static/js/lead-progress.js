// Long lists: a form that reads or saves a list is sent once (its button disabled after the first click),
// and while the server works the page shows how many rows it has checked, asked every second
// (GET /leads/progress/<token>; the token goes with the form). Without this script the forms still work.
(function () {
  "use strict";

  function token() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function watch(form, url) {
    const status = form.querySelector(".lead-progress");
    if (!status) return;
    const text = status.querySelector("span");
    status.hidden = false;
    const ask = () => {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : null))
        .then((data) => {
          if (data && data.text) text.textContent = data.text;
        })
        .catch(() => {});
    };
    ask();
    setInterval(ask, 1000);
  }

  for (const form of document.querySelectorAll("form[data-progress-url], form[data-once]")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.sent) {
        event.preventDefault(); // a second click while the first is still being answered
        return;
      }
      form.dataset.sent = "1";
      for (const button of form.querySelectorAll("button[type=submit]")) {
        if (button.dataset.busy) button.textContent = button.dataset.busy;
        // Disabled once the submission has started, so the click itself still sends the form.
        setTimeout(() => { button.disabled = true; }, 0);
      }
      const field = form.querySelector("input[name=progress]");
      if (field && form.dataset.progressUrl) {
        field.value = token();
        watch(form, form.dataset.progressUrl.replace("TOKEN", field.value));
      }
    });
  }
})();
