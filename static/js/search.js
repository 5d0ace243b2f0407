// Search as you type: the search box becomes an ARIA combobox with a listbox
// of suggestions (common phrases, then article titles) from /search/suggest.
// Arrow keys move through the options, Enter opens the one chosen (or
// submits the form when none is), Escape closes the list; a polite live
// region tells screen readers how many suggestions there are. Without
// JavaScript the box is a plain search field.
(function () {
  "use strict";

  var MIN_WORDS = 2;
  var DELAY_MS = 120;
  var counter = 0;

  function words(text) {
    return text.trim().split(/\s+/).filter(Boolean).length;
  }

  function enhance(input) {
    var form = input.form;
    var id = "suggest-" + (++counter);
    var list = document.createElement("ul");
    list.id = id;
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-suggest-label") || "");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "sr-only";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    form.classList.add("suggest-host");
    input.insertAdjacentElement("afterend", list);
    form.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);

    var items = [];
    var active = -1;
    var timer = null;
    var pending = null;
    var lastQuery = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.children;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function render(found) {
      items = found;
      list.textContent = "";
      found.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = id + "-" + i;
        option.className = "suggest-option suggest-" + item.kind;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-url", item.url);
        var label = document.createElement("span");
        label.className = "suggest-label";
        label.textContent = item.label;
        option.appendChild(label);
        if (item.kind === "title") {
          var kind = document.createElement("span");
          kind.className = "suggest-kind";
          kind.textContent = input.getAttribute("data-suggest-article") || "";
          option.appendChild(kind);
        } else if (item.count) {
          var count = document.createElement("span");
          count.className = "suggest-count";
          count.textContent = String(item.count);
          option.appendChild(count);
        }
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep the focus in the box
          go(i);
        });
        list.appendChild(option);
      });
      active = -1;
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
      var template = input.getAttribute("data-suggest-count") || "{n}";
      status.textContent = found.length ? template.replace("{n}", String(found.length)) : "";
    }

    function go(index) {
      var item = items[index];
      if (item) {
        close();
        window.location.assign(item.url);
      }
    }

    function fetchSuggestions() {
      var q = input.value;
      if (words(q) < MIN_WORDS) {
        lastQuery = null;
        render([]);
        return;
      }
      if (q === lastQuery) {
        return;
      }
      lastQuery = q;
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      var url = input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(q);
      fetch(url, {signal: pending.signal, headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {items: []}; })
        .then(function (data) {
          if (data.q === input.value) {
            render(data.items || []);
          }
        })
        .catch(function () { /* aborted or offline: keep what is shown */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && items.length;
      if (event.key === "ArrowDown") {
        if (!open) {
          lastQuery = null;
          fetchSuggestions();
          return;
        }
        event.preventDefault();
        highlight(active + 1 < items.length ? active + 1 : 0);
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active > 0 ? active - 1 : items.length - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        go(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
  }

  function start() {
    var inputs = document.querySelectorAll("input[data-suggest]");
    for (var i = 0; i < inputs.length; i++) {
      if (!inputs[i].hasAttribute("role")) {
        enhance(inputs[i]);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
