// Conveniences for the server-rendered forms; every rule is checked on the
// server again. Line-item rows, computed totals, type-ahead for master data,
// and validation messages next to the fields before a round trip.
(function () {
  "use strict";

  var messages = {};
  var node = document.getElementById("validation-messages");
  if (node) { try { messages = JSON.parse(node.textContent); } catch (e) { messages = {}; } }

  function errorBox(input) {
    var id = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return /-err$/.test(x); })[0];
    return id ? document.getElementById(id) : null;
  }

  function showError(input, text) {
    var box = errorBox(input);
    if (text) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    if (box) { box.textContent = text || ""; box.hidden = !text; }
  }

  function problemOf(input) {
    var v = input.validity;
    if (!v || v.valid) { return ""; }
    // Before valueMissing: a number the browser cannot hold (1e309) leaves
    // the value empty, and "please fill this in" would be a wrong answer.
    if (v.badInput) { return input.type === "date" ? messages.date : messages.number; }
    if (v.valueMissing) { return messages.required; }
    if (v.rangeUnderflow) { return (messages.min || "").replace("{min}", input.min); }
    if (v.rangeOverflow) { return (messages.max || "").replace("{max}", input.max); }
    if (v.stepMismatch) { return messages.step; }
    if (v.patternMismatch) { return messages.pattern; }
    if (v.tooLong) { return messages.long; }
    return input.validationMessage;
  }

  function validate(form, submitter) {
    var first = null;
    var inputs = form.querySelectorAll("input, select, textarea");
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.type === "hidden" || input.closest("template")) { return; }
      var text = problemOf(input);
      showError(input, text);
      if (text && !first) { first = input; }
    });
    // "Reject" makes the comment required (the schema's if/then rules).
    var needs = submitter && submitter.getAttribute("data-requires");
    if (needs) {
      needs.split(" ").forEach(function (name) {
        var input = form.elements[name];
        if (input && !String(input.value || "").trim()) {
          showError(input, messages.required);
          if (!first) { first = input; }
        }
      });
    }
    if (first) { first.focus(); }
    return !first;
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-lanes-form]"), function (form) {
    form.addEventListener("submit", function (event) {
      if (!validate(form, event.submitter)) { event.preventDefault(); }
    });
    // Clear a message while the user types, not on blur: a message vanishing
    // on blur would move the buttons away from under the pointer.
    form.addEventListener("input", function (event) {
      if (event.target.getAttribute("aria-invalid") === "true") { showError(event.target, problemOf(event.target)); }
    });
  });

  // Line items: add and remove rows, keep formulas and totals current. A
  // computed amount here is a preview: the server computes the figure it keeps.
  function number(value) { var n = parseFloat(String(value).replace(/[,\s¥]/g, "")); return isNaN(n) ? null : n; }

  // Half up to the fen like the server (四舍五入); toFixed alone would turn 1.005 into "1.00".
  function fen(value) {
    var sign = value < 0 ? -1 : 1;
    return sign * Math.round(Number((Math.abs(value) * 100).toPrecision(15))) / 100;
  }

  function recompute(fieldset) {
    Array.prototype.forEach.call(fieldset.querySelectorAll("tbody tr"), function (row) {
      Array.prototype.forEach.call(row.querySelectorAll("[data-formula]"), function (out) {
        var product = 1, complete = true;
        out.getAttribute("data-formula").split("*").forEach(function (name) {
          var cell = row.querySelector('[data-column="' + name.trim() + '"] input');
          var n = cell ? number(cell.value) : null;
          if (n === null) { complete = false; } else { product *= n; }
        });
        out.value = complete ? fen(product).toFixed(2) : "";
      });
    });
    Array.prototype.forEach.call(fieldset.querySelectorAll("tfoot [data-total]"), function (cell) {
      var key = cell.getAttribute("data-total");
      if (!key) { return; }
      var sum = 0;
      Array.prototype.forEach.call(fieldset.querySelectorAll('tbody [data-column="' + key + '"] input'), function (input) {
        sum += fen(number(input.value) || 0);
      });
      sum = fen(sum);
      cell.textContent = "¥" + sum.toLocaleString(document.documentElement.lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-lines]"), function (fieldset) {
    var body = fieldset.querySelector("tbody");
    var template = fieldset.querySelector("template");
    var next = body.querySelectorAll("tr").length;
    fieldset.querySelector("[data-add-row]").addEventListener("click", function () {
      var html = template.innerHTML.replace(/__index__/g, String(next));
      next += 1;
      body.insertAdjacentHTML("beforeend", html);
      var rows = body.querySelectorAll("tr");
      var added = rows[rows.length - 1];
      bindLookups(added);
      var input = added.querySelector("input, select, textarea");
      if (input) { input.focus(); }
      recompute(fieldset);
    });
    fieldset.addEventListener("click", function (event) {
      var button = event.target.closest("[data-remove-row]");
      if (!button) { return; }
      var row = button.closest("tr");
      var focusTo = fieldset.querySelector("[data-add-row]");
      row.parentNode.removeChild(row);
      focusTo.focus();
      recompute(fieldset);
    });
    fieldset.addEventListener("input", function () { recompute(fieldset); });
    recompute(fieldset);
  });

  // Type-ahead for x-ref fields: fill the input's datalist from /lookups/<ref>.
  // The field keeps the code (what is submitted); the name it stands for is
  // shown beside it, as the server shows it on a reloaded or revised form.
  function bindLookups(scope) {
    Array.prototype.forEach.call(scope.querySelectorAll("input[data-lookup]"), function (input) {
      if (input.dataset.bound) { return; }
      input.dataset.bound = "1";
      var list = document.getElementById(input.getAttribute("list"));
      var nameBox = input.parentNode.querySelector("[data-ref-name]");
      var names = {};
      if (nameBox && input.value) { names[input.value.trim()] = nameBox.textContent.trim(); }
      var timer = null, last = null;
      function showName() {
        if (nameBox) { nameBox.textContent = names[input.value.trim()] || ""; }
      }
      function load() {
        var q = input.value.trim();
        if (q === last || !list) { return; }
        last = q;
        fetch("/lookups/" + encodeURIComponent(input.dataset.lookup) + "?q=" + encodeURIComponent(q),
              { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (options) {
            list.innerHTML = "";
            options.forEach(function (o) {
              var option = document.createElement("option");
              option.value = o.value;
              option.label = o.name || o.label;
              option.textContent = o.name || o.label;
              list.appendChild(option);
              if (o.name) { names[o.value] = o.name; }
            });
            showName();
          })
          .catch(function () { /* type-ahead is a convenience */ });
      }
      input.addEventListener("input", function () { showName(); clearTimeout(timer); timer = setTimeout(load, 200); });
      input.addEventListener("focus", load);
    });
  }
  bindLookups(document);
})();
