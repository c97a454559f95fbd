// The reply composer: choosing a saved reply inserts its text at the cursor of the message
// (without JavaScript the saved replies are listed to copy from).
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

  document.addEventListener("change", (event) => {
    const select = event.target.closest?.("select[data-saved-reply-target]");
    if (select) insert(select);
  });
})();
