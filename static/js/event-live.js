// At the event: the list of sign-ups refreshes itself every 20 seconds while the page is in view
// (without JavaScript, the Refresh button does the same). The form above it is left alone.
(function () {
  "use strict";
  var list = document.querySelector("[data-signups]");
  if (!list || !window.fetch || !window.DOMParser) return;
  var url = list.getAttribute("data-refresh-url");
  function refresh() {
    if (document.hidden) return;
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-signups]");
        if (fresh) list.innerHTML = fresh.innerHTML;
      })
      .catch(function () { /* no signal: try again next time */ });
  }
  window.setInterval(refresh, 20000);
})();
