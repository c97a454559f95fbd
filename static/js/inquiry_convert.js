// Create case from inquiry: the "New customer" details show only while no existing customer
// is chosen, so the form never offers both at once. Without JavaScript both stay visible and
// the server decides as the help text says: an existing customer wins.
(() => {
  "use strict";

  const sync = (box) => {
    const select = document.getElementById(box.dataset.newCustomer);
    if (select) box.hidden = select.value !== "";
  };

  document.addEventListener("change", (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.id) return;
    document
      .querySelectorAll(`[data-new-customer="${CSS.escape(select.id)}"]`)
      .forEach(sync);
  });

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-new-customer]").forEach(sync);
  });
})();
