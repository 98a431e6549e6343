/* 慰问登记: warns (without blocking) when cash + gift exceed the occasion's per-visit standard.
   The caps come from the json_script "occasion-caps"; the message template from #cap-warning's
   data-template ({total} and {cap} are replaced). */
(function () {
  "use strict";
  const data = document.getElementById("occasion-caps");
  const f = document.getElementById("visit-form");
  const box = document.getElementById("cap-warning");
  if (!data || !f || !box) return;
  const caps = JSON.parse(data.textContent);
  function check() {
    const cap = caps[f.occasion.value];
    const total = (parseFloat(f.cash_amount.value) || 0) + (parseFloat(f.gift_value.value) || 0);
    if (cap && total > parseFloat(cap)) {
      box.textContent = box.dataset.template.replace("{total}", total.toFixed(2)).replace("{cap}", cap);
      box.classList.remove("d-none");
    } else { box.classList.add("d-none"); }
  }
  ["input", "change"].forEach(function (e) { f.addEventListener(e, check); });
  check();
})();
