// Behaviour that pages used to put in inline handlers, kept here so that the
// Content-Security-Policy can forbid inline script (docs/OPERATIONS.md).
//  - <select data-autosubmit>: submit its form when the choice changes (language switch).
//  - <button data-confirm="question">: ask before submitting its form.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var el = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();

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
