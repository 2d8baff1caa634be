// Mentions: "@" and the start of a username or a name, typed in the composer,
// list people to mention over it (#mention-list, drawn from the server's
// PeopleState: the room's members first). The "@" word at the cursor goes to
// the server through the hidden #mention-query field, which asks after a pause
// in typing; the list shows while it has people for that word (narrowed down
// here while the answer for a longer word is on its way). While it shows, the
// text area is a combobox: the arrows move the active option; Tab, Enter (which
// then does not send) or a click put "@username " in place of the word, focus
// staying in the text area; Escape closes it. This listens before the page's
// other keys (chat.js: Escape drops a reply or an edit, Enter sends), so a key
// the list used does nothing else.
(function () {
  // The "@" word ending at the cursor, read as domain/markup.py reads mentions:
  // not right after a letter, a digit or "@" ("ana@example.com" is no mention).
  const WORD = /(?<![\p{L}\p{N}_.+@-])@([A-Za-z0-9._-]{0,32})$/u;
  // No word is this: the field holds it once the list closes, so the next word
  // asked about, even the same one or a bare "@", is a change for React.
  const NO_QUERY = " ";
  const COMBOBOX = [
    "role",
    "aria-expanded",
    "aria-controls",
    "aria-autocomplete",
    "aria-activedescendant",
  ];
  const setValue = Object.getOwnPropertyDescriptor(
    HTMLInputElement.prototype,
    "value",
  ).set;

  let word = null; // the word the list is for: where its "@" is, its end, query
  let dismissed = -1; // where the "@" is of the word whose list Escape closed
  let active = ""; // the active option's username
  let open = false;

  const box = () => document.getElementById("composer-input");
  const list = () => document.getElementById("mention-list");
  const field = () => document.getElementById("mention-query");
  const options = () => {
    const ul = list();
    return ul ? Array.from(ul.querySelectorAll(".mention-option")) : [];
  };

  function wordAtCursor() {
    const area = box();
    if (!area || document.activeElement !== area) return null;
    if (area.selectionStart !== area.selectionEnd) return null;
    const end = area.selectionStart;
    const found = WORD.exec(area.value.slice(0, end));
    return found ? { at: found.index, end, query: found[1] } : null;
  }

  // Ask the server (the field's change handler waits for a pause in typing).
  // The value goes in through the native setter, and an input event makes
  // React's onChange follow, as chatInsertText does for the text area.
  function ask(query) {
    const input = field();
    if (!input || input.value === query) return;
    setValue.call(input, query);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // Draw the list for the word: its matching options, the active one, and the
  // text area's combobox attributes (a plain text box while the list is shut).
  function show() {
    const ul = list();
    const area = box();
    if (!ul && !open) return;
    const query = word ? word.query.toLowerCase() : null;
    const usable = Boolean(ul) && query !== null && query.startsWith(ul.dataset.query || "");
    const shown = [];
    for (const option of options()) {
      const match =
        usable &&
        ((option.dataset.username || "").toLowerCase().startsWith(query) ||
          (option.dataset.nameKey || "").startsWith(query));
      if (option.hidden === match) option.hidden = !match;
      if (match) shown.push(option);
    }
    open = shown.length > 0;
    if (ul && ul.hidden === open) ul.hidden = !open;
    const before = active;
    if (!shown.some((option) => option.dataset.username === active)) {
      active = open ? shown[0].dataset.username : "";
    }
    let current = null;
    for (const option of options()) {
      const on = open && option.dataset.username === active;
      option.setAttribute("aria-selected", String(on));
      if (on) current = option;
    }
    if (!area) return;
    if (!open) {
      for (const name of COMBOBOX) area.removeAttribute(name);
      return;
    }
    area.setAttribute("role", "combobox");
    area.setAttribute("aria-expanded", "true");
    area.setAttribute("aria-controls", "mention-list");
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-activedescendant", current.id);
    if (active !== before) current.scrollIntoView({ block: "nearest" });
  }

  function close() {
    word = null;
    const input = field();
    // Through React's own setter: it then knows the value, and runs nothing.
    if (input && input.value !== NO_QUERY) input.value = NO_QUERY;
    show();
  }

  // After typing (typed) or a move of the cursor: the list follows the word at
  // the cursor. A move never opens it for another word; Escape keeps it shut
  // for its word until something is typed.
  function follow(typed) {
    if (typed) dismissed = -1;
    const found = wordAtCursor();
    const same = Boolean(found && word && found.at === word.at);
    if (!found || found.at === dismissed || !(typed || same)) {
      if (word || open) close();
      return;
    }
    word = found;
    ask(found.query);
    show();
  }

  function move(step) {
    const shown = options().filter((option) => !option.hidden);
    const index = shown.findIndex((option) => option.dataset.username === active);
    active = shown[(index + step + shown.length) % shown.length].dataset.username;
    show();
  }

  function pick(username) {
    const area = box();
    const found = wordAtCursor();
    if (!area || !found || !username) return;
    area.setSelectionRange(found.at, found.end);
    // The text goes in as if typed; the input event then closes the list.
    window.chatInsertText("@" + username + " ");
  }

  // Capture, on the window: before chat.js and React see the key.
  window.addEventListener(
    "keydown",
    (event) => {
      if (!open || event.target !== box() || event.isComposing) return;
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const key = event.key;
      if (key === "ArrowDown" || key === "ArrowUp") {
        move(key === "ArrowDown" ? 1 : -1);
      } else if ((key === "Enter" || key === "Tab") && !event.shiftKey) {
        pick(active);
      } else if (key === "Escape") {
        dismissed = word ? word.at : -1;
        close();
      } else {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
    },
    true,
  );
  document.addEventListener("input", (event) => {
    if (event.target === box()) follow(true);
  });
  document.addEventListener("keyup", (event) => {
    if (event.target === box()) follow(false);
  });
  // A click on an option keeps the focus in the text area.
  document.addEventListener("mousedown", (event) => {
    if (event.target.closest && event.target.closest("#mention-list")) {
      event.preventDefault();
    }
  });
  document.addEventListener("click", (event) => {
    const option = event.target.closest && event.target.closest(".mention-option");
    if (option) pick(option.dataset.username);
    else if (event.target === box()) follow(false);
  });
  document.addEventListener("focusout", (event) => {
    if (event.target === box()) close();
  });
  // New people from the server (options reused for others, a new query).
  new MutationObserver(show).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["data-username", "data-name-key", "data-query"],
  });
})();
