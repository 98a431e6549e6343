/*
 * The report editor without codes (templates/reports/section_edit.html, edit.html).
 *
 * Each <textarea data-figure-editor> keeps the stored text ("共走访{welfare.visits.count}"), but is
 * hidden and replaced by an editable box in which every placeholder shows as a chip with its label
 * and current value ("走访慰问 236人次"). Every change is written back to the textarea, so the form
 * posts the stored format. The picker (<dialog id="figure-picker">) inserts chips at the caret, or
 * ticks a table or chart to add; the preview under each box is rendered by the server
 * (POST data-preview-url: text → the paragraph as it will print). Without JavaScript the textareas
 * stay as they are and show the codes.
 */
(function () {
  "use strict";

  var dataEl = document.getElementById("figure-catalogue");
  var form = document.querySelector("form[data-preview-url]");
  if (!dataEl || !form || !window.fetch) return;

  var PLACEHOLDER = /\{([a-z_][a-z0-9_.]*)(?::(yoy|num|prev|cmp))?\}/g;
  var ZW = "\u200B";
  var T = JSON.parse(document.getElementById("editor-strings").textContent);
  var catalogue = new Map(JSON.parse(dataEl.textContent).map(function (f) { return [f.key, f]; }));
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var previewUrl = form.dataset.previewUrl;
  var picker = document.getElementById("figure-picker");
  var editors = new Map();   // textarea id → editable box
  var ranges = new Map();    // editable box → last caret in it
  var target = null;         // the box the picker inserts into

  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
  document.querySelectorAll(".nojs-only").forEach(function (el) { el.hidden = true; });

  // --- chips ------------------------------------------------------------------------------------

  function chipParts(key, mode) {
    var f = catalogue.get(key);
    if (!f) return { label: T.unknown, value: key, cls: "is-unknown", title: T.unknownTitle };
    var label = f.label, value = f.value, zero = f.zero;
    if (mode === "num") value = f.num;
    if (mode === "prev") { label += T.previous; value = f.prev; zero = !f.prev; }
    if (mode === "cmp" || mode === "yoy") { label += T.compare; value = f.cmp || T.notComparable; zero = !f.cmp; }
    return { label: label, value: value || T.none, cls: zero ? "is-zero" : "",
             title: f.label + (f.unit ? " · " + T.unit + f.unit : "") + (zero ? " · " + T.zeroTitle : "") };
  }

  function chip(key, mode) {
    var parts = chipParts(key, mode);
    var el = document.createElement("span");
    el.className = "fig-chip " + parts.cls;
    el.contentEditable = "false";
    el.dataset.key = key;
    el.dataset.mode = mode || "";
    el.title = parts.title;
    var label = document.createElement("span");
    label.className = "fig-chip-label";
    label.textContent = parts.label;
    var value = document.createElement("span");
    value.className = "fig-chip-value";
    value.textContent = parts.value;
    el.append(label, value);
    return el;
  }

  function render(box, text) {
    box.replaceChildren();
    if (!text) return;
    text.split("\n").forEach(function (line) {
      var div = document.createElement("div");
      var pos = 0;
      line.replace(PLACEHOLDER, function (match, key, mode, index) {
        if (index > pos) div.append(document.createTextNode(line.slice(pos, index)));
        div.append(chip(key, mode || ""));
        pos = index + match.length;
        return match;
      });
      if (pos < line.length) div.append(document.createTextNode(line.slice(pos)));
      if (!div.childNodes.length) div.append(document.createElement("br"));
      box.append(div);
    });
  }

  // The stored text of a box: chips back to {key} / {key:mode}, one line per block element.
  function serialise(box) {
    var lines = [], cur = "", started = false;
    function flush() { if (started || cur) lines.push(cur); cur = ""; started = false; }
    function walk(node) {
      node.childNodes.forEach(function (n) {
        if (n.nodeType === Node.TEXT_NODE) { cur += n.nodeValue; started = true; return; }
        if (n.nodeType !== Node.ELEMENT_NODE) return;
        if (n.classList.contains("fig-chip")) {
          cur += "{" + n.dataset.key + (n.dataset.mode ? ":" + n.dataset.mode : "") + "}";
          started = true;
        } else if (n.tagName === "BR") {
          started = true;
          flush();
        } else if (n.tagName === "DIV" || n.tagName === "P") {
          if (started || cur) flush();
          walk(n);
          if (started || cur) flush();
        } else {
          walk(n);
        }
      });
    }
    walk(box);
    if (started || cur) flush();
    return lines.join("\n").split(ZW).join("").replace(/\u00a0/g, " ").replace(/\n+$/, "");
  }

  // --- preview ------------------------------------------------------------------------------------

  function showEmpty(preview) {
    var p = document.createElement("p");
    p.className = "editor-empty";
    p.textContent = T.empty;
    preview.replaceChildren(p);
  }

  function errorBox(textarea) {
    var id = "live-error-" + textarea.id;
    var el = document.getElementById(id);
    if (!el) {
      el = document.createElement("div");
      el.id = id;
      el.className = "invalid-feedback d-block";
      el.setAttribute("role", "alert");
      editors.get(textarea.id).after(el);
    }
    return el;
  }

  function refresh(textarea) {
    var preview = document.getElementById(textarea.dataset.preview || "");
    if (!preview) return;
    var body = new FormData();
    body.append("text", textarea.value);
    if (textarea.dataset.block) body.append("block", textarea.dataset.block);
    var ticket = (Number(preview.dataset.ticket) || 0) + 1;
    preview.dataset.ticket = String(ticket);
    preview.classList.add("is-loading");
    fetch(previewUrl, { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf } })
      .then(function (resp) { if (!resp.ok) throw new Error(String(resp.status)); return resp.json(); })
      .then(function (data) {
        if (preview.dataset.ticket !== String(ticket)) return;
        if (data.html) preview.innerHTML = data.html;  // escaped by the server (reports.document)
        else showEmpty(preview);
        errorBox(textarea).textContent = data.error || "";
        editors.get(textarea.id).classList.toggle("is-invalid", Boolean(data.error));
      })
      .catch(function () { errorBox(textarea).textContent = T.previewFailed; })
      .finally(function () { if (preview.dataset.ticket === String(ticket)) preview.classList.remove("is-loading"); });
  }

  var timers = new Map();
  function sync(textarea) {
    textarea.value = serialise(editors.get(textarea.id));
    clearTimeout(timers.get(textarea.id));
    timers.set(textarea.id, setTimeout(function () { refresh(textarea); }, 350));
  }

  // --- the editable boxes -------------------------------------------------------------------------

  function label(textarea) {
    var l = document.querySelector("label[for='" + textarea.id + "']");
    return l ? l.textContent.trim() : "";
  }

  document.querySelectorAll("textarea[data-figure-editor]").forEach(function (textarea) {
    var box = document.createElement("div");
    box.className = "figure-editor" + (textarea.classList.contains("is-invalid") ? " is-invalid" : "");
    box.contentEditable = "true";
    box.setAttribute("role", "textbox");
    box.setAttribute("aria-multiline", "true");
    box.setAttribute("aria-label", label(textarea));
    box.dataset.placeholder = textarea.dataset.generated ? "" : T.placeholder;
    box.dataset.for = textarea.id;
    render(box, textarea.value);
    textarea.hidden = true;
    textarea.after(box);
    editors.set(textarea.id, box);
    if (textarea.dataset.generated && !textarea.value.trim()) box.hidden = true;

    box.addEventListener("input", function () { sync(textarea); });
    box.addEventListener("paste", function (e) {
      e.preventDefault();
      var text = (e.clipboardData || window.clipboardData).getData("text/plain");
      document.execCommand("insertText", false, text);
    });
    box.addEventListener("blur", function () {
      // Codes typed or pasted by hand become chips.
      var text = serialise(box);
      var hasCode = /\{[a-z_][a-z0-9_.]*(?::(?:yoy|num|prev|cmp))?\}/.test(box.textContent);
      if (hasCode) { render(box, text); sync(textarea); }
    });
  });

  document.addEventListener("selectionchange", function () {
    var sel = window.getSelection();
    if (!sel || !sel.rangeCount) return;
    var range = sel.getRangeAt(0);
    var node = range.startContainer;
    var el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    var box = el && el.closest(".figure-editor");
    if (box) ranges.set(box, range.cloneRange());
  });

  function insertChip(box, key) {
    var range = ranges.get(box);
    if (!range || !box.contains(range.startContainer)) {
      range = document.createRange();
      var last = box.lastElementChild && box.lastElementChild.tagName === "DIV" ? box.lastElementChild : box;
      range.selectNodeContents(last);
      range.collapse(false);
    }
    var inChip = (range.startContainer.nodeType === Node.ELEMENT_NODE ? range.startContainer
      : range.startContainer.parentElement).closest(".fig-chip");
    if (inChip) { range.setStartAfter(inChip); range.collapse(true); }
    range.deleteContents();
    var holder = range.startContainer.nodeType === Node.ELEMENT_NODE ? range.startContainer : null;
    if (holder && holder.childNodes.length === 1 && holder.firstChild.tagName === "BR") holder.firstChild.remove();
    var after = document.createTextNode(ZW);
    range.insertNode(after);
    range.insertNode(chip(key, ""));
    box.focus();
    var caret = document.createRange();
    caret.setStart(after, 1);
    caret.collapse(true);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(caret);
    ranges.set(box, caret.cloneRange());
    sync(document.getElementById(box.dataset.for));
  }

  // --- "改为手写": the generated sentence, chips and all, becomes the block's own text ----------------

  document.querySelectorAll("[data-handwrite]").forEach(function (button) {
    button.addEventListener("click", function () {
      var textarea = document.getElementById(button.dataset.handwrite);
      var box = editors.get(textarea.id);
      render(box, textarea.dataset.generated || "");
      box.hidden = false;
      button.hidden = true;
      sync(textarea);
      box.focus();
    });
  });

  // --- the picker --------------------------------------------------------------------------------

  if (!picker) return;
  var search = document.getElementById("figure-picker-search");

  function filter() {
    var q = search.value.trim().toLowerCase();
    var any = false;
    picker.querySelectorAll("[data-group]").forEach(function (group) {
      var shown = 0;
      group.querySelectorAll(".picker-item").forEach(function (item) {
        var hit = !q || item.dataset.search.toLowerCase().indexOf(q) !== -1;
        item.parentElement.hidden = !hit;
        if (hit) shown += 1;
      });
      group.hidden = shown === 0;
      if (shown) any = true;
    });
    picker.querySelector(".picker-none").hidden = any;
  }
  search.addEventListener("input", filter);

  document.querySelectorAll("[data-picker-for]").forEach(function (button) {
    button.addEventListener("click", function () {
      var textarea = document.getElementById(button.dataset.pickerFor);
      target = editors.get(textarea.id);
      if (target.hidden) {  // a generated sentence: writing into it makes it handwritten
        var hw = document.querySelector("[data-handwrite='" + textarea.id + "']");
        if (hw) hw.click();
      }
      search.value = "";
      filter();
      picker.showModal();
      search.focus();
    });
  });

  picker.addEventListener("click", function (e) {
    if (e.target === picker || e.target.closest("[data-picker-close]")) { picker.close(); return; }
    var item = e.target.closest(".picker-item");
    if (!item) return;
    picker.close();
    if (item.dataset.key && target) {
      insertChip(target, item.dataset.key);
    } else if (item.dataset.addBlock) {
      var box = form.querySelector("input[name=add_block][value='" + item.dataset.addBlock + "']");
      var details = document.getElementById("add-blocks");
      if (box) box.checked = true;
      if (details) {
        details.open = true;
        details.classList.add("is-flash");
        details.scrollIntoView({ block: "center" });
        setTimeout(function () { details.classList.remove("is-flash"); }, 1500);
      }
    }
  });

  form.addEventListener("submit", function () {
    editors.forEach(function (box, id) {
      if (!box.hidden) document.getElementById(id).value = serialise(box);
    });
  });
})();
