// Saksflyt: the little JavaScript the staff pages need. Everything works without it.
// No inline scripts or event-handler attributes anywhere (the Content-Security-Policy forbids
// them, and htmx's hx-on and event filters, which need eval): behaviour is attached here, by
// data attributes.

// Forms answered with 400/422 carry their errors and the typed input: swap them in like a
// success (htmx 2 ignores 4xx answers by default), so nothing the user typed is lost.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status === 400 || status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("[data-toggle-menu]");
  const menu = document.getElementById("sidemenu");
  if (toggle && menu) {
    toggle.addEventListener("click", () => {
      const open = menu.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
  // Close an open dropdown with Escape and return focus to its summary.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.dropdown[open]").forEach((d) => {
      d.removeAttribute("open");
      d.querySelector("summary")?.focus();
    });
  });
});

// <select data-submit-on-change>: choosing an option sends its form (the language switcher).
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.matches?.("select[data-submit-on-change]") && target.form) {
    target.form.submit();
  }
  // <input type="checkbox" data-check-all="<selector>">: (un)ticks every box it names.
  const selector = target.dataset?.checkAll;
  if (selector) {
    document.querySelectorAll(selector).forEach((box) => {
      box.checked = target.checked;
    });
  }
});

// <input data-enter-does-not-submit>: Enter in a search box that filters a picker must not
// send the surrounding form.
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.closest?.("[data-enter-does-not-submit]")) {
    event.preventDefault();
  }
});

// The notification bell loads its list when opened ("toggle" does not bubble: capture it).
document.addEventListener(
  "toggle",
  (event) => {
    const bell = event.target;
    if (bell.id === "bell" && bell.open && window.htmx) {
      window.htmx.trigger(bell, "bell-open");
    }
  },
  true,
);
