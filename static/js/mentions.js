// @mentions in the internal-note composer. Type "@" and part of a name; the organization's
// staff are offered in a listbox (arrows to move, Enter or Tab to choose, Escape to close).
// Choosing writes "@Full Name" in the box, as the note will read; the request carries a stable
// token, @[Full Name](user:<id>), which the server turns into a mention (the names chosen are
// remembered per box and turned into tokens as the form is sent). A box the server fills in
// again (an error) shows its tokens as names too. Without JavaScript notes still work, unmentioned.
(() => {
  "use strict";

  const QUERY = /(^|\s)@([^\s@[\]()]{0,30}(?: [^\s@[\]()]{0,30}){0,2})$/;
  const TOKEN = /@\[([^\][\n]{1,200})\]\(user:(\d+)\)/g;
  const chosen = new WeakMap(); // textarea -> Map("Full Name" -> token)
  let open = null; // {textarea, list, status, results, active, start}
  let serial = 0;
  let timer = null;

  function remember(textarea, name, token) {
    if (!chosen.has(textarea)) chosen.set(textarea, new Map());
    chosen.get(textarea).set(name, token);
  }

  // "@Full Name" of each person chosen in this box → their token (not inside a longer name).
  function withTokens(textarea) {
    let text = textarea.value;
    const names = chosen.get(textarea);
    if (!names) return text;
    [...names.keys()]
      .sort((a, b) => b.length - a.length)
      .forEach((name) => {
        const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        const pattern = new RegExp(`@${escaped}(?![\\p{L}\\p{N}_])`, "gu");
        text = text.replace(pattern, () => names.get(name));
      });
    return text;
  }

  // Tokens the server sent back (a form with errors) read as names again.
  function readable(root) {
    root.querySelectorAll?.("textarea[data-mentions-url]").forEach((textarea) => {
      textarea.value = textarea.value.replace(TOKEN, (token, name) => {
        remember(textarea, name, token);
        return `@${name}`;
      });
    });
  }

  function parts(textarea) {
    const list = document.getElementById(textarea.id + "-mentions");
    if (list) return { list, status: document.getElementById(textarea.id + "-mentions-status") };
    const made = document.createElement("ul");
    made.id = textarea.id + "-mentions";
    made.className = "mention-list";
    made.setAttribute("role", "listbox");
    made.setAttribute("aria-label", textarea.dataset.mentionsLabel || "@");
    made.hidden = true;
    const status = document.createElement("p");
    status.id = textarea.id + "-mentions-status";
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    textarea.after(made, status);
    textarea.setAttribute("aria-controls", made.id);
    textarea.setAttribute("aria-autocomplete", "list");
    made.addEventListener("mousedown", (event) => {
      const option = event.target.closest("[role=option]");
      if (!option || !open) return;
      event.preventDefault(); // keep focus in the textarea
      choose(Number(option.dataset.index));
    });
    return { list: made, status };
  }

  function close() {
    if (!open) return;
    open.list.hidden = true;
    open.list.replaceChildren();
    open.textarea.removeAttribute("aria-activedescendant");
    open = null;
  }

  function highlight(index) {
    const options = open.list.querySelectorAll("[role=option]");
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    open.active = index;
    const active = options[index];
    if (active) {
      open.textarea.setAttribute("aria-activedescendant", active.id);
      active.scrollIntoView({ block: "nearest" });
    }
  }

  function show(textarea, start, results) {
    const { list, status } = parts(textarea);
    if (!results.length) {
      close();
      status.textContent = textarea.dataset.mentionsEmpty || "";
      return;
    }
    list.replaceChildren(
      ...results.map((person, i) => {
        const option = document.createElement("li");
        option.id = `${list.id}-${person.id}`;
        option.setAttribute("role", "option");
        option.dataset.index = String(i);
        const name = document.createElement("span");
        name.textContent = person.name;
        const email = document.createElement("span");
        email.className = "muted";
        email.textContent = " " + person.email;
        option.append(name, email);
        return option;
      }),
    );
    list.hidden = false;
    open = { textarea, list, status, results, active: 0, start };
    highlight(0);
    status.textContent = `${results.length} ${textarea.dataset.mentionsCount || ""}`;
  }

  function choose(index) {
    const person = open && open.results[index];
    if (!person) return;
    const { textarea, start } = open;
    const caret = textarea.selectionStart;
    const insert = `@${person.name} `;
    remember(textarea, person.name, person.token);
    textarea.value = textarea.value.slice(0, start) + insert + textarea.value.slice(caret);
    const position = start + insert.length;
    textarea.setSelectionRange(position, position);
    open.status.textContent = person.name;
    close();
    textarea.focus();
  }

  function lookup(textarea) {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const match = QUERY.exec(before);
    if (!match) {
      close();
      return;
    }
    const start = before.length - match[2].length - 1; // index of "@"
    const ticket = ++serial;
    const url = new URL(textarea.dataset.mentionsUrl, window.location.href);
    url.searchParams.set("q", match[2]);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { results: [] }))
      .then((data) => {
        if (ticket === serial && document.activeElement === textarea) {
          show(textarea, start, data.results || []);
        }
      })
      .catch(() => close());
  }

  document.addEventListener("input", (event) => {
    const textarea = event.target;
    if (!(textarea instanceof HTMLTextAreaElement) || !textarea.dataset.mentionsUrl) return;
    clearTimeout(timer);
    timer = setTimeout(() => lookup(textarea), 120);
  });

  document.addEventListener(
    "keydown",
    (event) => {
      if (!open || event.target !== open.textarea) return;
      const count = open.results.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        highlight((open.active + step + count) % count);
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        choose(open.active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close();
      }
    },
    true,
  );

  // htmx sends the form: put the tokens in the request, leave the box as it reads.
  document.addEventListener("htmx:configRequest", (event) => {
    const form = event.detail.elt;
    if (!(form instanceof HTMLFormElement)) return;
    form.querySelectorAll("textarea[data-mentions-url]").forEach((textarea) => {
      const value = withTokens(textarea);
      if (event.detail.formData) event.detail.formData.set(textarea.name, value);
      else event.detail.parameters[textarea.name] = value;
    });
  });

  // A plain form post (no htmx): the box itself carries the tokens as the page leaves.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || form.hasAttribute("hx-post")) return;
      form.querySelectorAll("textarea[data-mentions-url]").forEach((textarea) => {
        textarea.value = withTokens(textarea);
      });
    },
    true,
  );

  document.addEventListener("DOMContentLoaded", () => readable(document));
  document.addEventListener("htmx:load", (event) => readable(event.detail.elt));

  document.addEventListener("focusout", (event) => {
    if (open && event.target === open.textarea) setTimeout(close, 150);
  });
})();
