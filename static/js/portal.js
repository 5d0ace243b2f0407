// Small progressive enhancements; the portal works without JavaScript.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-toggle-nav]");
    if (toggle) {
      var nav = document.getElementById(toggle.getAttribute("aria-controls"));
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    var opener = event.target.closest("[data-toggle]");
    if (opener) {
      var target = document.getElementById(opener.getAttribute("data-toggle"));
      if (target) {
        target.hidden = !target.hidden;
        opener.setAttribute("aria-expanded", target.hidden ? "false" : "true");
      }
    }
  });

  // Forms that ask before doing something that cannot be undone.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Auto-submit filter forms when a select changes.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("[data-autosubmit]")) {
      el.form.submit();
    }
  });
})();
