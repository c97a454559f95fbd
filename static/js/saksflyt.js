// Saksflyt: the little JavaScript the staff pages need. Everything works without it.

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
