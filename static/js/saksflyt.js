// Saksflyt: the little JavaScript the staff pages need. Everything works without it.
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
