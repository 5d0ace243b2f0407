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

  // A table wider than the screen scrolls sideways in its .table-wrap: the wrapper takes the
  // keyboard focus then, so that the arrow keys scroll it too (WCAG 2.1.1).
  function focusableScrollers() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.tabIndex = 0;
      } else if (wrap.tabIndex === 0) {
        wrap.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", focusableScrollers);
  window.addEventListener("resize", focusableScrollers);

  // Auto-submit filter forms when a select changes.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("[data-autosubmit]")) {
      el.form.submit();
    }
  });
})();
