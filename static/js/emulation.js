// Emulation pages: open or close every person's reasons at once. The page works without it.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-emu-toggle-all]");
    if (!button) {
      return;
    }
    var open = button.getAttribute("data-emu-toggle-all") === "open";
    document.querySelectorAll("details.emu-person").forEach(function (details) {
      details.open = open;
    });
  });

  document.querySelectorAll("[data-emu-toggle-all]").forEach(function (button) {
    button.hidden = false;
  });
})();
