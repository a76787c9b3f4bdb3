// The prospect page: tapping Call or a WhatsApp message readies the contact log below for that channel, so
// logging the attempt is one more tap on its outcome.
(function () {
  "use strict";
  var log = document.getElementById("contact-log");
  if (!log) return;
  document.querySelectorAll("[data-contact-links] [data-channel]").forEach(function (link) {
    link.addEventListener("click", function () {
      var radio = log.querySelector('input[name="channel"][value="' + link.dataset.channel + '"]');
      if (radio) radio.checked = true;
      log.classList.add("ready");
    });
  });
})();
