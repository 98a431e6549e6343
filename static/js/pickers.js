/* Person pickers and the similar-proposal hint. No inline scripts: templates load this file after
 * static/vendor/tom-select/tom-select.complete.min.js.
 *
 * 1. Every element with data-picker and data-url becomes a Tom Select that asks the server as you type
 *    (GET data-url?q=…, answered {"results": [{value, text, detail, search}]}, at most 20, already scoped
 *    and matched by name, pinyin initials or 工号):
 *    - <select data-picker="…"> (single or multiple): the values are the select's own (pks);
 *    - <input data-picker="…"> : a text field that takes a 工号; data-max="1" for one person, otherwise
 *      several separated by "、". What the user types is kept even when nothing is found, so the server's
 *      own checks give the error.
 *    Without JavaScript the select or text field works as it is.
 * 2. <input data-similar-url="…" data-similar-target="#id">: while the 案由 is typed, similar proposals
 *    are fetched (debounced) from data-similar-url?title=… and listed in the target.
 */
(function () {
  "use strict";

  function fetchJson(url, params) {
    var u = new URL(url, window.location.href);
    Object.keys(params).forEach(function (k) { u.searchParams.set(k, params[k]); });
    return fetch(u.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; });
  }

  function initPicker(el) {
    if (el.tomselect || typeof window.TomSelect === "undefined") return;
    var isInput = el.tagName === "INPUT";
    var single = isInput ? el.dataset.max === "1" : !el.multiple;
    var empty = el.dataset.empty || "没有找到";
    var settings = {
      valueField: "value",
      labelField: "text",
      searchField: ["search", "text"],
      maxOptions: 20,
      loadThrottle: 250,
      maxItems: single ? 1 : null,
      placeholder: el.dataset.placeholder || "",
      plugins: single ? [] : ["remove_button"],
      shouldLoad: function (query) { return query.trim().length > 0; },
      load: function (query, callback) {
        fetchJson(el.dataset.url, { q: query })
          .then(function (data) { callback(data.results || []); })
          .catch(function () { callback(); });
      },
      render: {
        option: function (d, escape) {
          return "<div>" + escape(d.text) + (d.detail ? ' <small class="text-muted">' + escape(d.detail) + "</small>" : "") + "</div>";
        },
        item: function (d, escape) { return "<div>" + escape(d.text) + "</div>"; },
        no_results: function () { return '<div class="no-results">' + empty + "</div>"; },
        option_create: function (d, escape) { return '<div class="create">使用“' + escape(d.input) + "”</div>"; }
      }
    };
    if (isInput) {
      settings.create = true;
      settings.delimiter = "、";
      settings.persist = false;
    }
    // Tom Select moves the <label for> to its own control; keep the original field named too
    // (it stays in the accessibility tree, hidden), so no field is left without a label.
    var label = el.id ? document.querySelector('label[for="' + el.id + '"]') : null;
    var name = label ? label.textContent.trim() : "";
    var ts = new window.TomSelect(el, settings);
    if (name) {
      el.setAttribute("aria-label", name);
      if (ts.control_input) ts.control_input.setAttribute("aria-label", name);
    }
    if (!isInput) {
      // Drop the pre-rendered options (the no-JS list): only the server's matches are offered.
      ts.clearOptions();
    }
  }

  function initSimilar(input) {
    var target = document.querySelector(input.dataset.similarTarget);
    if (!target) return;
    var list = target.querySelector("ul");
    var timer = null;
    var last = "";
    function show(results) {
      list.replaceChildren();
      results.forEach(function (r) {
        var li = document.createElement("li");
        li.className = "py-1 border-bottom d-flex justify-content-between gap-2";
        var left = document.createElement("span");
        var a = document.createElement("a");
        a.href = r.url;
        a.textContent = r.title;
        var meta = document.createElement("div");
        meta.className = "small text-muted";
        meta.textContent = r.meta;
        left.append(a, meta);
        var score = document.createElement("span");
        score.className = "badge text-bg-light border similar-score align-self-start";
        score.textContent = r.score + "%";
        li.append(left, score);
        list.append(li);
      });
      target.classList.toggle("d-none", results.length === 0);
    }
    function check() {
      var title = input.value.trim();
      if (title === last) return;
      last = title;
      if (title.length < 4) { show([]); return; }
      var params = { title: title };
      if (input.dataset.similarExclude) params.exclude = input.dataset.similarExclude;
      fetchJson(input.dataset.similarUrl, params)
        .then(function (data) { if (input.value.trim() === title) show(data.results || []); })
        .catch(function () {});
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, 400);
    });
    check();
  }

  function init() {
    document.querySelectorAll("[data-picker][data-url]").forEach(initPicker);
    document.querySelectorAll("input[data-similar-url]").forEach(initSimilar);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
