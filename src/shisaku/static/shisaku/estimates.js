// Estimate pages (no inline script: loaded as a static file under the CSP).
// 1. The estimate form: while the upload and the estimate run, the button is disabled and
//    shows a spinner, so a second click cannot start a second job.
(function () {
  "use strict";
  var form = document.getElementById("estimate-form");
  if (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (!button) { return; }
      // disable after the submit event has been dispatched, so the form data is still sent
      window.setTimeout(function () {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
        button.classList.add("busy");
      }, 0);
    });
  }
})();
