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
