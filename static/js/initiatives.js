// The application form: live Markdown preview, author rows and the running share total.
// The form works without JavaScript; this only makes it pleasanter.
(function () {
  "use strict";

  var DELAY = 350;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // -- live preview: the server renders through the same function every page uses --
  function setUpPreview(form) {
    var url = form.getAttribute("data-preview-url");
    if (!url) {
      return;
    }
    form.querySelectorAll("textarea[data-markdown]").forEach(function (area) {
      var target = document.querySelector('[data-preview-for="' + area.id + '"]');
      if (!target) {
        return;
      }
      var timer = null;
      var sent = 0;
      function render() {
        var mine = ++sent;
        fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken()},
          body: JSON.stringify({text: area.value})
        }).then(function (response) {
          return response.json().then(function (body) {
            return {ok: response.ok, body: body};
          });
        }).then(function (result) {
          if (mine !== sent) {
            return;  // a newer keystroke is on its way
          }
          target.classList.toggle("preview-error", !result.ok);
          if (result.ok) {
            target.innerHTML = result.body.html;  // sanitised by the server (Markdown, then bleach)
          } else {
            target.textContent = result.body.error ? result.body.error.message : "";
          }
        }).catch(function () {
          target.classList.add("preview-error");
        });
      }
      area.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(render, DELAY);
      });
    });
  }

  // -- authors: running total of shares and extra rows --
  function setUpAuthors(form) {
    var table = form.querySelector("[data-author-rows]");
    if (!table) {
      return;
    }
    var output = table.querySelector("[data-share-total]");
    var addButton = form.querySelector("[data-add-author]");
    var maxRows = 10;

    function updateTotal() {
      var total = 0;
      table.querySelectorAll("input[data-share]").forEach(function (input) {
        var value = parseInt(input.value, 10);
        if (!isNaN(value)) {
          total += value;
        }
      });
      output.textContent = total + "%";
      output.classList.toggle("share-ok", total === 100);
      output.classList.toggle("share-bad", total !== 100);
    }

    function addRow() {
      var rows = table.querySelectorAll("tr[data-author-row]");
      if (rows.length >= maxRows) {
        return;
      }
      var last = rows[rows.length - 1];
      var copy = last.cloneNode(true);
      var index = rows.length;
      copy.querySelectorAll("input").forEach(function (input) {
        input.value = "";
        ["name", "id"].forEach(function (attr) {
          var value = input.getAttribute(attr);
          if (value) {
            input.setAttribute(attr, value.replace(/authors-\d+-/, "authors-" + index + "-"));
          }
        });
        var label = input.getAttribute("aria-label");
        if (label) {
          input.setAttribute("aria-label", label.replace(/\d+$/, String(index + 1)));
        }
      });
      copy.querySelector("td").textContent = String(index + 1);
      last.parentNode.appendChild(copy);
      addButton.hidden = index + 1 >= maxRows;
      copy.querySelector("input").focus();
    }

    table.addEventListener("input", function (event) {
      if (event.target.matches("input[data-share]")) {
        updateTotal();
      }
    });
    if (addButton) {
      addButton.hidden = false;
      addButton.addEventListener("click", addRow);
    }
    updateTotal();
  }

  // A file over the limit is said beside the field before anything is sent (the server checks
  // again; this only spares a long upload that would be refused).
  function setUpFileCheck() {
    var input = document.querySelector("input[type=file][data-max-bytes]");
    if (!input) {
      return;
    }
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var message = input.getAttribute("data-too-big");
    var note = document.createElement("p");
    note.className = "error";
    note.setAttribute("role", "alert");
    note.hidden = true;
    note.setAttribute("data-file-check", "");
    input.insertAdjacentElement("afterend", note);
    var field = input.closest(".field");
    function tooBig() {
      return input.files && input.files.length && input.files[0].size > max;
    }
    input.addEventListener("change", function () {
      // A new file: the server's message about the previous one no longer applies.
      if (field) {
        field.querySelectorAll(".error:not([data-file-check])").forEach(function (old) { old.hidden = true; });
      }
      note.hidden = !tooBig();
      note.textContent = note.hidden ? "" : message;
    });
    document.querySelectorAll("button[formaction][formenctype='multipart/form-data']").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (tooBig()) {
          event.preventDefault();
          note.hidden = false;
          note.textContent = message;
          input.focus();
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.application-form").forEach(function (form) {
      setUpPreview(form);
      setUpAuthors(form);
    });
    setUpFileCheck();
  });
})();
