// The error summary (GOV.UK's and Digg's pattern): focus moves to it when the page opens, so
// a screen reader reads the errors first; a link in it moves focus to its field and shows
// the field's label (or its group's legend) above it, not only the input.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("blur", function () {
    summary.removeAttribute("tabindex");
  }, { once: true });
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var input = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!input) {
      return;
    }
    event.preventDefault();
    var fieldset = input.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    var label = legend || document.querySelector("label[for='" + input.id + "']") || input;
    label.scrollIntoView();
    input.focus({ preventScroll: true });
  });
})();
