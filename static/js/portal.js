/* Behaviour that used to sit in inline on* handlers, declared with data attributes instead, so the
   Content-Security-Policy can forbid inline script ('unsafe-inline' is never allowed):
   - <select data-autosubmit>: submits its form when the value changes (year pickers, language);
   - <form data-confirm="问题？">: asks before submitting (deletes, finalising);
   - <button data-print>: opens the print dialog;
   - <div data-progress="42">: sets its width to 42 % (progress bars; CSSOM, not a style attribute). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    const el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
  });
  document.addEventListener("submit", function (event) {
    const form = event.target;
    const question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });
  function widths() {
    document.querySelectorAll("[data-progress]").forEach(function (bar) {
      const value = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-progress")) || 0));
      bar.style.width = value + "%";
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", widths);
  else widths();
})();
