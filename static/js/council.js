// Council pages: the running total of a scoring sheet, a question before submitting it (only once
// its values are valid: otherwise the server's messages come first), and select-all with a count.
(function () {
  "use strict";

  function updateTotal(form) {
    var output = form.querySelector("[data-review-total]");
    if (!output) { return; }
    var total = 0;
    form.querySelectorAll(".score-field input").forEach(function (input) {
      var value = parseInt(input.value, 10);
      if (!isNaN(value)) { total += value; }
    });
    output.textContent = String(total);
  }

  document.addEventListener("input", function (event) {
    if (event.target.closest(".score-field")) {
      updateTotal(event.target.form);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".review-sheet form").forEach(updateTotal);
  });

  // The same range and completeness the server checks; when anything is off, no question is
  // asked and the server answers with its messages beside each field, the input kept.
  function sheetValid(form) {
    var valid = true;
    form.querySelectorAll(".score-field input").forEach(function (input) {
      var text = input.value.trim();
      var value = Number(text);
      var low = Number(input.getAttribute("min"));
      var high = Number(input.getAttribute("max"));
      if (text === "" || !/^-?\d+$/.test(text) || value < low || value > high) { valid = false; }
    });
    var radios = form.querySelectorAll("input[name=recommendation]");
    if (radios.length && !form.querySelector("input[name=recommendation]:checked")) { valid = false; }
    return valid;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm-submit]");
    if (button && sheetValid(button.form) && !window.confirm(button.getAttribute("data-confirm-submit"))) {
      event.preventDefault();
    }
  });

  function groupBoxes(group) {
    return document.querySelectorAll("input[type=checkbox][data-select-group='" + group + "']:not(:disabled)");
  }

  function updateCount(group) {
    var boxes = groupBoxes(group);
    var ticked = 0;
    boxes.forEach(function (box) { if (box.checked) { ticked += 1; } });
    document.querySelectorAll("[data-selected-count='" + group + "']").forEach(function (output) {
      output.textContent = String(ticked);
    });
    document.querySelectorAll("[data-select-all='" + group + "'] input").forEach(function (all) {
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var all = target.closest("[data-select-all]");
    if (all) {
      var group = all.getAttribute("data-select-all");
      groupBoxes(group).forEach(function (box) { box.checked = target.checked; });
      updateCount(group);
      return;
    }
    var member = target.getAttribute && target.getAttribute("data-select-group");
    if (member) { updateCount(member); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-select-all]").forEach(function (all) {
      all.hidden = false;  // without JavaScript there is nothing it could do
      updateCount(all.getAttribute("data-select-all"));
    });
  });
})();
