/* The day plan starts from the phone's position when the phone shares it. */
(function () {
  "use strict";
  var button = document.querySelector("[data-locate]");
  /* Offline, the stored plan (workingset.js) is the plan: no server to reorder it from the position. */
  if (!button || !("geolocation" in navigator) || document.querySelector("[data-ws-plan]")) return;
  function locate(event) {
    if (event) event.preventDefault();
    navigator.geolocation.getCurrentPosition(function (position) {
      var url = new URL(location.href);
      url.searchParams.set("lat", position.coords.latitude.toFixed(6));
      url.searchParams.set("lng", position.coords.longitude.toFixed(6));
      location.replace(url.toString());
    }, function () { /* keep the plan from the kecamatan centre */ }, { timeout: 15000, maximumAge: 300000 });
  }
  button.addEventListener("click", locate);
  if (!new URLSearchParams(location.search).has("lat")) locate();
})();
