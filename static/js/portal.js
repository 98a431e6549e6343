/* Behaviour that used to sit in inline on* handlers, declared with data attributes instead, so the
   Content-Security-Policy can forbid inline script ('unsafe-inline' is never allowed):
   - <select data-autosubmit>: submits its form when the value changes (year pickers, language);
   - <form data-confirm="问题？">: asks before submitting (deletes, finalising);
   - <button data-print>: opens the print dialog;
   - <div data-progress="42">: sets its width to 42 % (progress bars; CSSOM, not a style attribute);
   - .table-responsive / .scroll-box that scroll (a wide table on a phone, a long list): reachable by the
     keyboard (tabindex="0") and named for screen readers (role="region", aria-label from the table's
     caption, the data-label attribute, or the nearest heading), as WCAG 2.1.1 asks. */
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
  function regionName(box) {
    const table = box.querySelector("caption");
    if (box.dataset.label) return box.dataset.label;
    if (table && table.textContent.trim()) return table.textContent.trim();
    const heading = document.querySelector("main h1");
    return heading ? heading.textContent.trim() : document.title;
  }
  function scrollBoxes() {
    document.querySelectorAll(".table-responsive, .scroll-box").forEach(function (box) {
      const scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.madeFocusable = "1";
      } else if (!scrolls && box.dataset.madeFocusable) {
        box.removeAttribute("tabindex");
        delete box.dataset.madeFocusable;
      }
      if (box.hasAttribute("tabindex")) {
        if (!box.hasAttribute("role")) box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
          box.setAttribute("aria-label", regionName(box));
        }
      }
    });
  }
  function ready() { widths(); scrollBoxes(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
  let resizing = null;
  window.addEventListener("resize", function () { clearTimeout(resizing); resizing = setTimeout(scrollBoxes, 150); });
})();
