// Council pages: the running total of a scoring sheet, and a question before submitting it.
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

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm-submit]");
    if (button && !window.confirm(button.getAttribute("data-confirm-submit"))) {
      event.preventDefault();
    }
  });
})();
