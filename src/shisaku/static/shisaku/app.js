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
