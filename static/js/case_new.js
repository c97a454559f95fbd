// New case: picking a customer fills in their property when none is chosen yet (their current
// property as owner, co-owner or resident), which also loads its containers. The caseworker can
// change it. Without JavaScript the customer search (the Search button) does the same.
(() => {
  "use strict";

  let serial = 0;

  document.addEventListener("change", async (event) => {
    const select = event.target.closest('[data-picker-kind="customer"] select');
    const form = select && select.closest("[data-property-suggest-url]");
    if (!form || !select.value) return;
    const property = form.querySelector('[data-picker-kind="property"] select');
    if (!property || property.value) return;
    const ticket = ++serial;
    const url = new URL(form.dataset.propertySuggestUrl, window.location.href);
    url.searchParams.set("customer", select.value);
    let data;
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      data = response.ok ? await response.json() : null;
    } catch (error) {
      return;
    }
    const suggestion = data && data.property;
    if (!suggestion || ticket !== serial || property.value) return;
    let option = [...property.options].find((o) => o.value === String(suggestion.id));
    if (!option) {
      option = new Option(suggestion.label, String(suggestion.id));
      property.add(option);
    }
    property.value = option.value;
    property.dispatchEvent(new Event("change", { bubbles: true }));
    const status = property.closest("[data-picker]")?.querySelector("[data-picker-status]");
    if (status) status.textContent = form.dataset.textSuggested.replace("%(label)s", suggestion.label);
  });
})();
