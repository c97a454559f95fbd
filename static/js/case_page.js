// The case page's info tabs: plain anchored sections without JavaScript, a keyboard-usable
// tablist with it (arrows, Home, End). Re-applied when htmx swaps the section in again.
(() => {
  "use strict";

  const chosen = {}; // nav id -> index of the chosen tab, kept across htmx swaps

  function setUp(nav) {
    if (nav.dataset.tabsReady) return;
    nav.dataset.tabsReady = "1";
    const tabs = [...nav.querySelectorAll("a[href^='#']")];
    const panels = tabs.map((tab) => document.getElementById(tab.hash.slice(1)));
    if (panels.some((panel) => !panel)) return;
    const key = nav.closest("[id]")?.id || "tabs";
    nav.setAttribute("role", "tablist");
    tabs.forEach((tab, i) => {
      tab.setAttribute("role", "tab");
      tab.id = tab.id || `${panels[i].id}-tab`;
      tab.setAttribute("aria-controls", panels[i].id);
      panels[i].setAttribute("role", "tabpanel");
      panels[i].setAttribute("aria-labelledby", tab.id);
      panels[i].tabIndex = 0;
    });

    function select(index, focus) {
      chosen[key] = index;
      tabs.forEach((tab, i) => {
        const on = i === index;
        tab.setAttribute("aria-selected", String(on));
        tab.tabIndex = on ? 0 : -1;
        panels[i].hidden = !on;
      });
      if (focus) tabs[index].focus();
    }

    tabs.forEach((tab, i) => {
      tab.addEventListener("click", (event) => {
        event.preventDefault();
        select(i, false);
      });
      tab.addEventListener("keydown", (event) => {
        const last = tabs.length - 1;
        const next = {
          ArrowRight: i === last ? 0 : i + 1,
          ArrowLeft: i === 0 ? last : i - 1,
          Home: 0,
          End: last,
        }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        select(next, true);
      });
    });
    const fromHash = panels.findIndex((panel) => "#" + panel.id === window.location.hash);
    select(chosen[key] ?? (fromHash >= 0 ? fromHash : 0), false);
  }

  function setUpAll(root) {
    root.querySelectorAll("[data-tabs]").forEach(setUp);
  }

  document.addEventListener("DOMContentLoaded", () => setUpAll(document));
  document.addEventListener("htmx:load", (event) => setUpAll(event.detail.elt));
})();

// The side panel (templates/cases/detail/_panel.html): a value opens its editor (htmx), which
// saves on change — a choice when made, a text or date on Enter or when the field is left — and
// Escape or Cancel closes it unsaved. After a save the panel comes back with values only; focus
// returns to the field's value. The toast's close button, and the panel folded on a phone.
(() => {
  "use strict";

  const NARROW = window.matchMedia("(max-width: 760px)");
  const TYPED = "input:not([type=checkbox]):not([type=radio]):not([type=search]), textarea";

  function closeEditor(editorBox, focus) {
    const prop = editorBox.closest(".prop");
    editorBox.replaceChildren();
    prop?.classList.remove("editing");
    if (focus) prop?.querySelector(".prop-value")?.focus();
  }

  function save(form) {
    if (form.dataset.saving) return;
    form.dataset.saving = "1";
    // The editor may be changed before htmx has processed it (htmx does so as the swap settles,
    // and the editor's control has focus from afterSwap on): process it now, or the browser
    // would send the form itself and reload the page.
    window.htmx?.process(form);
    form.requestSubmit();
  }

  document.addEventListener("change", (event) => {
    const form = event.target.closest?.("form[data-autosave]");
    if (!form || event.target.matches("[type=search]") || event.target.matches(TYPED)) return;
    save(form);
  });

  // A typed value is saved when the field is left (not for Cancel) if it changed.
  document.addEventListener("focusout", (event) => {
    const input = event.target;
    const form = input.closest?.("form[data-autosave]");
    if (!form || !input.matches(TYPED)) return;
    if (event.relatedTarget?.closest?.("[data-editor-cancel]")) return;
    if (event.relatedTarget && form.contains(event.relatedTarget)) return;
    if (input.value !== input.defaultValue) save(form);
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches?.("form[data-autosave]")) form.dataset.saving = "1";
  });

  document.addEventListener("click", (event) => {
    const cancel = event.target.closest?.("[data-editor-cancel]");
    const box = cancel?.closest(".prop-editor");
    if (box && window.htmx) {
      event.preventDefault();
      closeEditor(box, true);
      return;
    }
    const close = event.target.closest?.("[data-toast-close]");
    if (close) close.closest("[data-toast]")?.remove();
  });

  // Enter saves a typed value (a date field would not submit its form by itself).
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !event.target.matches?.(TYPED)) return;
    const form = event.target.closest("form[data-autosave]");
    if (!form || event.target.matches("textarea")) return;
    event.preventDefault();
    save(form);
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const box = event.target.closest?.(".prop-editor");
    if (!box || !box.firstElementChild) return;
    event.preventDefault();
    closeEditor(box, true);
  });

  // An editor arrived: hide the value, focus the first control (the select, the text...).
  document.addEventListener("htmx:afterSwap", (event) => {
    const box = event.detail.target;
    if (box?.classList?.contains("prop-editor")) {
      box.closest(".prop")?.classList.add("editing");
      const control = box.querySelector("select, input:not([type=hidden]):not([type=search]), textarea");
      (control || box.querySelector("input[type=search]"))?.focus();
    }
  });

  // After a save (or a refusal) the panel is new: focus what the answer points at, once. Any
  // settle may be the one (the panel's own, or an out-of-band part settling after it; the event's
  // target can be the panel element that was replaced), so each new panel is looked at until its
  // focus is placed.
  document.addEventListener("htmx:afterSettle", () => {
    const panel = document.getElementById("case-panel");
    if (!panel || panel.dataset.focusPlaced) return;
    const invalid = panel.querySelector(".prop.editing .field-invalid :is(select, input, textarea)");
    const target = invalid || panel.querySelector("[data-focus]");
    if (!target) return;
    panel.dataset.focusPlaced = "1";
    // After the other parts of the answer (header, toast, history) have settled too.
    window.setTimeout(() => {
      if (target.isConnected) target.focus();
    }, 0);
  });

  function foldOnPhone(root) {
    root.querySelectorAll?.("[data-fold-narrow]").forEach((fold) => {
      if (fold.dataset.foldReady) return;
      fold.dataset.foldReady = "1";
      if (NARROW.matches && !fold.querySelector(".prop.editing")) fold.open = false;
    });
  }
  NARROW.addEventListener("change", () => {
    if (!NARROW.matches) document.querySelectorAll("[data-fold-narrow]").forEach((f) => (f.open = true));
  });
  document.addEventListener("DOMContentLoaded", () => foldOnPhone(document));
})();

// Keyboard shortcuts (the "?" dialog lists them), never while typing in a field.
(() => {
  "use strict";

  function typing(target) {
    return target.closest?.("input, textarea, select, [contenteditable], dialog[open]") !== null;
  }

  function openPanel() {
    const fold = document.querySelector("[data-fold-narrow]");
    if (fold) fold.open = true;
  }

  function composeTab(tabId, fieldSelector) {
    const tab = document.getElementById(tabId);
    tab?.click();
    const focusField = () => {
      const field = document.querySelector(fieldSelector);
      field?.scrollIntoView({ block: "center" });
      field?.focus();
      return field;
    };
    // The reply form loads when its tab opens (forms/reply/): focus it once it is there.
    if (!focusField()) {
      document.addEventListener("htmx:load", function loaded() {
        if (focusField()) document.removeEventListener("htmx:load", loaded);
      });
    }
  }

  // A shortcut may come right after a swap, before htmx has processed the new content (it does
  // so as the swap settles): process the element first, or its click would follow its link (the
  // way in without JavaScript) and reload the page.
  function press(element) {
    if (!element) return;
    window.htmx?.process(element);
    element.click();
  }

  const actions = {
    r: () => composeTab("composer-tab-reply", "#composer-reply textarea"),
    n: () => composeTab("composer-tab-note", "#composer-note textarea"),
    a: () => {
      openPanel();
      press(document.getElementById("assign-me"));
    },
    s: () => {
      openPanel();
      press(document.querySelector("#prop-status .prop-value"));
    },
    u: () => press(document.querySelector("#case-toast [data-undo]")),
    j: () => document.getElementById("case-next")?.click(),
    k: () => document.getElementById("case-previous")?.click(),
    "?": () => {
      const dialog = document.getElementById("case-shortcuts");
      if (!dialog) return;
      if (dialog.open) dialog.close();
      else dialog.showModal();
    },
  };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const action = actions[event.key];
    if (!action) return;
    if (event.key === "?" && document.getElementById("case-shortcuts")?.open) {
      event.preventDefault();
      action();
      return;
    }
    if (typing(event.target)) return;
    event.preventDefault();
    action();
  });

  document.addEventListener("DOMContentLoaded", () => {
    const button = document.getElementById("shortcuts-button");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", () => actions["?"]());
  });
})();
