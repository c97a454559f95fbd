// The top bar's search box: suggestions as one types, as a combobox (WAI-ARIA 1.2 pattern).
// Arrow keys move through the options (aria-activedescendant), Enter opens the chosen one or
// submits the search, Escape closes the list. The suggestions are an HTML fragment from
// /<org>/search/suggest/ (escaped by Django's templates).
(function () {
  "use strict";

  function setup(form) {
    var input = form.querySelector("[role='combobox']");
    var list = form.querySelector("[role='listbox']");
    var url = form.getAttribute("data-suggest-url");
    var timer = null;
    var controller = null;
    var active = -1;

    function options() {
      return Array.prototype.slice.call(list.querySelectorAll("[role='option']"));
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var all = options();
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && all[index]) {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (!q) { close(); list.innerHTML = ""; return; }
      if (controller) { controller.abort(); }
      controller = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(q), {
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
        signal: controller.signal,
      }).then(function (response) {
        return response.ok ? response.text() : "";
      }).then(function (html) {
        if (input.value.trim() !== q) { return; }
        list.innerHTML = html;
        active = -1;
        if (options().length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        } else {
          close();
        }
      }).catch(function () { /* aborted or offline: the form still submits */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 200);
    });

    input.addEventListener("keydown", function (event) {
      var all = options();
      if (event.key === "ArrowDown") {
        if (list.hidden) { fetchSuggestions(); return; }
        event.preventDefault();
        highlight(all.length ? (active + 1) % all.length : -1);
      } else if (event.key === "ArrowUp") {
        if (list.hidden) { return; }
        event.preventDefault();
        highlight(active <= 0 ? all.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0 && all[active]) {
          event.preventDefault();
          window.location.assign(all[active].getAttribute("data-url"));
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(); }
      }
    });

    list.addEventListener("mousedown", function (event) {
      var option = event.target.closest("[role='option']");
      if (option) {
        event.preventDefault();
        window.location.assign(option.getAttribute("data-url"));
      }
    });

    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.topbar-search").forEach(setup);
  });
})();
