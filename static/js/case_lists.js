// Case lists, the tray and the new-case form: "select all", the bulk bar, the search pickers.
// Everything works without it: bulk actions by ticking rows, pickers through their Search button.
(() => {
  "use strict";

  // --- Select all cases on the page, and the bulk bar that follows the selection ----------
  // Without JavaScript the bar is always there; with it, it shows once a case is ticked (or
  // when it carries an error), with the number selected.
  const syncBulkBar = (results) => {
    const bar = results.querySelector("[data-bulk-bar]");
    if (!bar) return;
    const checked = results.querySelectorAll('input[type=checkbox][name="ids"]:checked').length;
    bar.hidden = checked === 0 && !bar.querySelector(".error");
    const count = bar.querySelector("[data-bulk-count]");
    if (count) {
      const text =
        checked === 0
          ? bar.dataset.textNone
          : checked === 1
            ? bar.dataset.textOne
            : bar.dataset.textMany.replace("%(count)s", checked);
      count.textContent = text;
    }
  };

  // The tray's list ([data-bulk-scope]; its "select all" is saksflyt.js's data-check-all,
  // which runs first: it was registered first).
  document.addEventListener("change", (event) => {
    const scope = event.target.closest("[data-bulk-scope]");
    if (scope) syncBulkBar(scope);
  });
  document.addEventListener("change", (event) => {
    const all = event.target.closest("[data-select-all]");
    if (all) {
      const results = all.closest(".case-results");
      results.querySelectorAll('input[type=checkbox][name="ids"]').forEach((box) => {
        box.checked = all.checked;
      });
      syncBulkBar(results);
      return;
    }
    const one = event.target.closest('input[type=checkbox][name="ids"]');
    if (one) {
      const results = one.closest(".case-results");
      const boxes = [...results.querySelectorAll('input[type=checkbox][name="ids"]')];
      const head = results.querySelector("[data-select-all]");
      if (head) {
        const checked = boxes.filter((b) => b.checked).length;
        head.checked = checked === boxes.length;
        head.indeterminate = checked > 0 && checked < boxes.length;
      }
      syncBulkBar(results);
    }
  });
  const syncAll = (root) => {
    const found = root.matches?.(".case-results, [data-bulk-scope]") ? [root] : [];
    found.push(...root.querySelectorAll(".case-results, [data-bulk-scope]"));
    found.forEach(syncBulkBar);
  };
  document.addEventListener("DOMContentLoaded", () => syncAll(document));
  document.addEventListener("htmx:afterSettle", () => syncAll(document));

  // --- Pickers fed by the autocomplete endpoints (JSON) -----------------------------------
  const itemLabel = (item) => {
    if (item.label) return item.label;
    if (item.container_id) {
      const extra = [item.fraction, item.container_type].filter(Boolean).join(", ");
      return extra ? `${item.container_id} (${extra})` : item.container_id;
    }
    return [item.name, item.email || item.phone, item.address].filter(Boolean).join(" · ");
  };
  const itemsOf = (data) => (Array.isArray(data) ? data : data.results || data.items || []);

  const fetchJson = async (url, params) => {
    const query = new URLSearchParams(params).toString();
    const response = await fetch(url + (url.includes("?") ? "&" : "?") + query, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(String(response.status));
    return itemsOf(await response.json());
  };

  const fillSelect = (select, items) => {
    const keep = [...select.options].filter((o) => o.value === "" || o.selected);
    const kept = new Set(keep.map((o) => o.value));
    select.replaceChildren(...keep);
    items.forEach((item) => {
      if (!kept.has(String(item.id))) select.add(new Option(itemLabel(item), item.id));
    });
  };

  const search = async (picker) => {
    const input = picker.querySelector("[data-picker-search]");
    const select = picker.querySelector("select");
    const status = picker.querySelector("[data-picker-status]");
    const q = input.value.trim();
    if (!q) return;
    try {
      const items = await fetchJson(picker.dataset.pickerUrl, { q });
      fillSelect(select, items);
      status.textContent = items.length
        ? picker.dataset.textMatches.replace("%(count)s", items.length)
        : picker.dataset.textNone;
    } catch (error) {
      status.textContent = "";
    }
  };

  const timers = new WeakMap();
  document.addEventListener("input", (event) => {
    const input = event.target.closest("[data-picker-search]");
    const picker = input && input.closest("[data-picker]");
    if (!picker || !picker.dataset.pickerUrl) return;
    clearTimeout(timers.get(picker));
    timers.set(picker, setTimeout(() => search(picker), 250));
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    const input = event.target.closest("[data-picker-search]");
    const picker = input && input.closest("[data-picker]");
    if (!picker || !picker.dataset.pickerUrl) return;
    event.preventDefault(); // search, do not submit the whole form
    clearTimeout(timers.get(picker));
    search(picker).then(() => picker.querySelector("select").focus());
  });

  // The containers list follows the chosen property.
  document.addEventListener("change", async (event) => {
    const select = event.target.closest('[data-picker-kind="property"] select');
    const box = document.querySelector("[data-containers]");
    if (!select || !box || !box.dataset.url) return;
    const target = box.querySelector("select");
    target.replaceChildren();
    if (!select.value) return;
    try {
      const items = await fetchJson(box.dataset.url, { property: select.value });
      items.forEach((item) => target.add(new Option(itemLabel(item), item.id)));
      const hint = box.querySelector("[data-containers-hint]");
      if (hint) hint.hidden = items.length > 0;
    } catch (error) {
      /* the Search button still works */
    }
  });

  // Search boxes driven by JavaScript stay hidden until it runs.
  const reveal = (root) => {
    root.querySelectorAll("[data-picker]").forEach((picker) => {
      if (picker.dataset.pickerUrl) {
        picker.querySelector(".picker-search")?.removeAttribute("hidden");
      }
    });
  };
  document.addEventListener("DOMContentLoaded", () => reveal(document));
  document.addEventListener("htmx:afterSwap", (event) => reveal(event.target));
})();
