/* 导出进度: polls the export's status URL (#export-card data-status-url) until the file is ready. */
(function () {
  "use strict";
  const card = document.getElementById("export-card");
  if (!card) return;
  const bar = document.getElementById("export-bar");
  const state = document.getElementById("export-state");
  const error = document.getElementById("export-error");
  const link = document.getElementById("export-download");
  function poll() {
    fetch(card.dataset.statusUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(r => r.json()).then(data => {
        bar.style.width = data.progress + "%"; bar.textContent = data.progress + "%";
        bar.parentElement.setAttribute("aria-valuenow", data.progress);
        state.textContent = data.label; error.textContent = data.error || "";
        if (data.download_url) { link.href = data.download_url; link.classList.remove("d-none");
          bar.classList.remove("progress-bar-animated"); return; }
        if (data.status !== "failed") setTimeout(poll, 700);
      }).catch(() => setTimeout(poll, 2000));
  }
  poll();
})();
