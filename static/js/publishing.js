// Public pages: the print button of the printable article.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print-now]")) {
      event.preventDefault();
      window.print();
    }
  });
})();
