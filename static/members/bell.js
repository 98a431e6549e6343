// The reminders bell: fetch the unread count after the page has loaded, so rendering a page costs
// no query for it. Without JavaScript the bell is still a link to the inbox.
(function () {
  var bell = document.querySelector(".nav-bell[data-count-url]");
  if (!bell || !window.fetch) return;
  fetch(bell.getAttribute("data-count-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (!data || !data.unread) return;
      var badge = document.createElement("span");
      badge.className = "badge rounded-pill text-bg-danger nav-bell-count";
      badge.textContent = data.unread > 99 ? "99+" : String(data.unread);
      bell.appendChild(badge);
      bell.setAttribute("aria-label", data.label || bell.getAttribute("aria-label"));
    })
    .catch(function () {});
})();
