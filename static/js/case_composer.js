// The composer: choosing a saved reply inserts its text at the cursor of the message (without
// JavaScript the saved replies are listed to copy from); a reply or forward sent back with its
// errors opens on its own tab.
(() => {
  "use strict";

  function insert(select) {
    const option = select.selectedOptions[0];
    const target = document.getElementById(select.dataset.savedReplyTarget);
    if (!option || !option.value || !target) return;
    const body = option.dataset.body || "";
    const start = target.selectionStart ?? target.value.length;
    const end = target.selectionEnd ?? target.value.length;
    const before = target.value.slice(0, start);
    const glue = before && !before.endsWith("\n") ? "\n" : "";
    target.value = before + glue + body + target.value.slice(end);
    const caret = (before + glue + body).length;
    target.focus();
    target.setSelectionRange(caret, caret);
    select.value = "";
  }

  // A form sent back with errors (or just sent) names its tab: show that one.
  const TABS = { reply_form: "composer-tab-reply", forward_form: "composer-tab-forward" };
  function showNamedTab(root) {
    const composer = root.id === "composer" ? root : root.querySelector?.("#composer");
    const tab = composer && document.getElementById(TABS[composer.dataset.composerTab]);
    if (tab && tab.getAttribute("aria-selected") !== "true") tab.click();
  }
  document.addEventListener("DOMContentLoaded", () => showNamedTab(document.body));
  document.addEventListener("htmx:load", (event) => showNamedTab(event.detail.elt));

  document.addEventListener("change", (event) => {
    const select = event.target.closest?.("select[data-saved-reply-target]");
    if (select) insert(select);
  });
})();
