/* Shisaku's own small page behaviours (no framework, no inline scripts):
   - move the focus to a form's error summary, so that keyboard and screen-reader users land on
     the list of what to correct;
   - fold the filter panels on narrow screens (they stay open without JavaScript). */
(function () {
  "use strict";
  function ready() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
    if (window.matchMedia && window.matchMedia("(max-width: 800px)").matches) {
      document.querySelectorAll("details[data-fold-narrow]").forEach(function (panel) {
        panel.open = false;
      });
    }
  }
  // A form answered by htmx (the Find page) shows its summary in the swapped part.
  document.addEventListener("htmx:afterSwap", function (event) {
    var summary = event.target.querySelector && event.target.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
