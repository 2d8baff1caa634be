// The message list follows new messages by itself while the reader is at the
// bottom (it is laid out in column-reverse). Scrolled up, the reader instead sees
// a "jump to latest" button with the number of messages that arrived since.
// Scrolled to the very top, the previous page of history loads (the same as the
// "Load older messages" button, which stays for keyboard users). Below a run of
// history a jump from far back loaded, "Load newer messages" loads the next page
// when it scrolls into view, the reader kept where they were.
(function () {
  const AWAY_PX = 80;
  const TOP_PX = 40;

  function newestId(list) {
    let newest = 0;
    for (const bubble of list.querySelectorAll(".message[data-id]")) {
      newest = Math.max(newest, Number(bubble.dataset.id) || 0);
    }
    return newest;
  }

  function watch(list) {
    if (list.dataset.jumpWatched) return;
    list.dataset.jumpWatched = "true";
    const pane = list.parentElement;
    let lastSeen = newestId(list);

    const refresh = () => {
      const away = list.scrollTop < -AWAY_PX;
      if (!away) lastSeen = newestId(list);
      let waiting = 0;
      for (const bubble of list.querySelectorAll(".message[data-id]")) {
        if (Number(bubble.dataset.id) > lastSeen) waiting += 1;
      }
      pane.dataset.away = String(away);
      const count = pane.querySelector("#jump-count");
      if (count) count.textContent = waiting > 0 ? String(waiting) : "";
    };

    // One page at a time: scrolling at the top asks again only once the page
    // asked for has arrived (or after a while, if it never comes).
    let asked = null;
    const loadOlderAtTop = () => {
      const shown = list.querySelectorAll(".message").length;
      if (asked && asked.shown === shown && Date.now() - asked.at < 5000) return;
      const fromTop = list.scrollHeight - list.clientHeight + list.scrollTop;
      const button = document.getElementById("load-older");
      if (fromTop < TOP_PX && button && !button.disabled) {
        asked = { shown, at: Date.now() };
        button.click();
      }
    };

    // The same for the gap below a far jump's run; the page goes in below the
    // reader, who stays on the message they read (the list keeps its distance
    // from the bottom, which the page just moved).
    let newer = null;
    const loadNewerInView = () => {
      if (list.dataset.showing) return; // passing by on the way to a message
      const shown = list.querySelectorAll(".message").length;
      if (newer && newer.shown === shown && Date.now() - newer.at < 5000) return;
      const button = document.getElementById("load-newer");
      if (!button || button.disabled) return;
      const box = list.getBoundingClientRect();
      const at = button.getBoundingClientRect();
      if (at.top >= box.bottom || at.bottom <= box.top) return;
      const mark = Array.from(list.querySelectorAll(".message[data-id]")).find(
        (bubble) => bubble.getBoundingClientRect().top >= box.top,
      );
      const top = mark ? mark.getBoundingClientRect().top : 0;
      newer = { shown, at: Date.now(), mark, top };
      button.click();
    };
    const keepPlace = () => {
      if (!newer || !newer.mark || newer.kept) return;
      if (list.querySelectorAll(".message").length === newer.shown) return;
      newer.kept = true;
      if (!newer.mark.isConnected) return;
      const moved = newer.mark.getBoundingClientRect().top - newer.top;
      if (moved) list.scrollTop += moved;
    };

    list.addEventListener("scroll", refresh, { passive: true });
    list.addEventListener("scroll", loadOlderAtTop, { passive: true });
    list.addEventListener("scroll", loadNewerInView, { passive: true });
    new MutationObserver(() => {
      keepPlace();
      refresh();
    }).observe(list, { childList: true, subtree: true });
    refresh();
  }

  window.chatJumpToLatest = function () {
    const list = document.getElementById("message-list");
    if (list) list.scrollTo({ top: 0, behavior: "smooth" });
  };

  // Sending shows one's own message wherever the reader was: the list goes to
  // the bottom at once and stays there as the message arrives. (Saving an edit
  // leaves the view where it is.)
  document.addEventListener("submit", (event) => {
    if (!event.target || event.target.id !== "composer-form") return;
    if (document.getElementById("edit-preview")) return;
    const list = document.getElementById("message-list");
    if (list) list.scrollTo({ top: 0, behavior: "instant" });
  });

  new MutationObserver(() => {
    const list = document.getElementById("message-list");
    if (list) watch(list);
  }).observe(document.documentElement, { childList: true, subtree: true });
})();

// Attachments: files chosen with "Anexar", dropped on the messages or pasted into
// the composer are uploaded at once to /api/upload with the session token,
// shown in the tray with a progress bar, and sent with the next message as links
// (the hidden "attachments" field). The form waits while an upload runs.
(function () {
  let items = [];
  let nextId = 1;

  const el = (id) => document.getElementById(id);

  // The server's limits, rendered on the tray (it checks them again on upload).
  function limits() {
    const data = (el("attachment-tray") || {}).dataset || {};
    return {
      files: Number(data.maxFiles) || 1,
      bytes: Number(data.maxFileBytes) || 0,
    };
  }

  // A string of the tray's data-text-* attributes (in the page's language), its
  // {named} values filled in.
  function text(key, values) {
    const tray = el("attachment-tray");
    const template = (tray && tray.dataset["text" + key]) || key;
    return template.replace(/\{(\w+)\}/g, (_, name) =>
      values && name in values ? String(values[name]) : "{" + name + "}",
    );
  }

  function sizeLabel(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KB";
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  function showError(message) {
    const tray = el("attachment-tray");
    if (!tray) return;
    let error = el("upload-error");
    if (!error) {
      error = document.createElement("div");
      error.id = "upload-error";
      error.setAttribute("role", "alert");
      error.className = "upload-error";
      tray.prepend(error);
    }
    error.textContent = message;
  }

  function sync() {
    const field = el("attachments-field");
    if (field) {
      field.value = JSON.stringify(
        items.filter((item) => item.link).map((item) => item.link),
      );
    }
    const form = el("composer-form");
    if (form) {
      form.dataset.uploading = String(items.some((item) => !item.link && !item.failed));
    }
  }

  function render(item) {
    const tray = el("attachment-tray");
    if (!tray) return;
    if (!item.node) {
      item.node = document.createElement("div");
      item.node.className = "attachment-item";
      item.node.innerHTML =
        '<span class="attachment-name"></span><span class="attachment-size"></span>' +
        '<progress class="upload-progress" max="100" value="0"></progress>' +
        '<button type="button" class="attachment-remove">×</button>';
      item.node.querySelector(".attachment-name").textContent = item.file.name;
      if (/^image\//.test(item.file.type)) {
        // A preview of the picture itself, drawn from the file in the browser.
        const preview = document.createElement("img");
        preview.className = "attachment-preview";
        preview.alt = "";
        preview.src = URL.createObjectURL(item.file);
        preview.addEventListener("load", () => URL.revokeObjectURL(preview.src));
        item.node.prepend(preview);
      }
      item.node.querySelector(".attachment-size").textContent = sizeLabel(item.file.size);
      item.node
        .querySelector(".attachment-remove")
        .setAttribute("aria-label", text("Remove", { name: item.file.name }));
      item.node.querySelector(".attachment-remove").addEventListener("click", () => {
        if (item.request) item.request.abort();
        items = items.filter((other) => other !== item);
        item.node.remove();
        sync();
      });
      tray.appendChild(item.node);
    }
    const bar = item.node.querySelector("progress");
    bar.value = item.progress;
    bar.id = item.link || item.failed ? "" : "upload-progress";
    bar.hidden = Boolean(item.link || item.failed);
    item.node.dataset.state = item.link ? "done" : item.failed ? "failed" : "uploading";
  }

  function upload(item) {
    const body = new FormData();
    body.append("files", item.file, item.file.name);
    const request = new XMLHttpRequest();
    item.request = request;
    request.open("POST", "/api/upload");
    // The server's refusals come back in the language the page is shown in.
    request.setRequestHeader("Accept-Language", document.documentElement.lang || "pt-BR");
    request.setRequestHeader(
      "Authorization",
      "Bearer " + (localStorage.getItem("chat_session") || ""),
    );
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) {
        item.progress = Math.round((100 * event.loaded) / event.total);
        render(item);
      }
    });
    request.addEventListener("load", () => {
      let answer = {};
      try {
        answer = JSON.parse(request.responseText);
      } catch (error) {
        answer = {};
      }
      if (request.status === 201 && answer.links) {
        item.link = answer.links[0];
        item.progress = 100;
      } else {
        item.failed = true;
        showError(
          (answer.error && answer.error.message) || text("Failed"),
        );
        items = items.filter((other) => other !== item);
        item.node.remove();
      }
      render(item);
      sync();
    });
    request.addEventListener("error", () => {
      item.failed = true;
      showError(text("Unreachable", { name: item.file.name }));
      items = items.filter((other) => other !== item);
      item.node.remove();
      sync();
    });
    request.send(body);
  }

  function add(files) {
    const error = el("upload-error");
    if (error) error.remove();
    const limit = limits();
    for (const file of files) {
      if (items.length >= limit.files) {
        showError(text("TooMany", { limit: limit.files }));
        break;
      }
      if (file.size > limit.bytes) {
        showError(text("TooLarge", { name: file.name, limit: sizeLabel(limit.bytes) }));
        continue;
      }
      if (file.size === 0) {
        showError(text("Empty", { name: file.name }));
        continue;
      }
      const item = { id: nextId++, file, progress: 0 };
      items.push(item);
      render(item);
      upload(item);
    }
    sync();
  }

  function clear() {
    for (const item of items) if (item.node) item.node.remove();
    items = [];
    const error = el("upload-error");
    if (error) error.remove();
    sync();
  }

  window.chatPickFiles = function () {
    const picker = el("file-picker");
    if (picker) picker.click();
  };

  document.addEventListener("change", (event) => {
    if (event.target && event.target.id === "file-picker") {
      add(Array.from(event.target.files || []));
      event.target.value = "";
    }
  });
  document.addEventListener("dragover", (event) => {
    if (event.target.closest && event.target.closest("#message-pane")) {
      event.preventDefault();
    }
  });
  document.addEventListener("drop", (event) => {
    if (event.target.closest && event.target.closest("#message-pane")) {
      event.preventDefault();
      add(Array.from((event.dataTransfer && event.dataTransfer.files) || []));
    }
  });
  document.addEventListener("paste", (event) => {
    if (event.target && event.target.id === "composer-input") {
      const files = Array.from((event.clipboardData && event.clipboardData.files) || []);
      if (files.length) {
        event.preventDefault();
        add(files);
      }
    }
  });
  // Capture: runs before React sees the submit, so it can hold it back.
  document.addEventListener(
    "submit",
    (event) => {
      if (!event.target || event.target.id !== "composer-form") return;
      if (items.some((item) => !item.link && !item.failed)) {
        event.preventDefault();
        event.stopPropagation();
        showError(text("Wait"));
        return;
      }
      // React reads the form during this same dispatch; clear the tray after.
      if (items.length) setTimeout(clear, 0);
    },
    true,
  );
})();

// <html lang> follows the language the page is drawn in (#app's data-lang), so
// screen readers and the browser read it as such.
(function () {
  const follow = () => {
    const app = document.getElementById("app");
    const lang = app && app.dataset.lang;
    if (lang && document.documentElement.lang !== lang) {
      document.documentElement.lang = lang;
    }
  };
  new MutationObserver(follow).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["data-lang"],
  });
  follow();
})();

// The phone menu (the sidebar drawn over the chat): opening it moves focus into
// it, Escape closes it, and closing gives focus back to the menu button.
(function () {
  let wasOpen = false;
  const sidebar = () => document.getElementById("sidebar");
  const isOpen = () => {
    const drawer = sidebar();
    return Boolean(drawer && drawer.classList.contains("sidebar-open"));
  };
  const follow = () => {
    const open = isOpen();
    if (open === wasOpen) return;
    wasOpen = open;
    const target = document.getElementById(open ? "sidebar-close" : "sidebar-toggle");
    if (target && target.offsetParent !== null) target.focus();
  };
  new MutationObserver(follow).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["class"],
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !isOpen()) return;
    const close = document.getElementById("sidebar-close");
    if (close && close.offsetParent !== null) close.click();
  });
})();

// "Read more" unfolds a long message, for this reader only.
document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest(".read-more");
  if (!button) return;
  const bubble = button.closest(".message");
  if (bubble) bubble.dataset.expanded = "true";
});

// Radix gives focus back to a dialog's trigger; the chat's dialogs open from
// state, with no trigger, so focus would drop to the page. Give it back to what
// was focused when the dialog opened (or the element now bearing its id).
(function () {
  let opener = null;
  let openerId = "";
  let open = false;
  document.addEventListener(
    "focusin",
    (event) => {
      const target = event.target;
      if (!target || !target.closest || target.closest('[role="dialog"]')) return;
      opener = target;
      openerId = target.id || "";
    },
    true,
  );
  new MutationObserver(() => {
    const dialog = document.querySelector('[role="dialog"]');
    if (dialog) {
      open = true;
      return;
    }
    if (!open) return;
    open = false;
    const active = document.activeElement;
    if (active && active !== document.body) return;
    // By id first: React may have reused the node for another row since.
    const byId = openerId ? document.getElementById(openerId) : null;
    const target = byId || (opener && opener.isConnected ? opener : null);
    if (target) target.focus();
  }).observe(document.documentElement, { childList: true, subtree: true });
})();

// Message actions from the keyboard. In the composer: Escape drops the reply or
// the edit, and the Up arrow in an empty composer edits one's latest message
// (Slack's habit). On a focused message: R replies, E edits, Delete deletes.
// And the jump to a message (a quote's original): scrolled into view, lit up.
(function () {
  function press(selector, root) {
    const button = (root || document).querySelector(selector);
    if (!button) return false;
    button.click();
    return true;
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLElement) || event.defaultPrevented) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (target.id === "composer-input") {
      if (event.key === "Escape") {
        if (press("#cancel-edit") || press("#cancel-reply")) event.preventDefault();
      } else if (
        event.key === "ArrowUp" &&
        !event.shiftKey &&
        target.value === "" &&
        !document.getElementById("edit-preview")
      ) {
        // Blurring hands the text area's pending (debounced) change to the
        // server first, so it cannot overwrite the message put in to edit.
        target.blur();
        target.focus();
        if (press("#edit-last")) event.preventDefault();
      }
      return;
    }
    // Only a message reached by keyboard: a click focuses it too, and typing
    // a letter afterwards must not start an edit.
    if (!target.classList.contains("message") || !target.matches(":focus-visible")) {
      return;
    }
    const action = { r: "reply", e: "edit", Delete: "delete" }[event.key];
    if (action && press(`[data-action="${action}"]`, target)) {
      event.preventDefault();
    }
  });

  // Called by the server once the message's page (if any) was sent: the
  // message may still be on its way into the page, so look for a while.
  window.chatShowMessage = function (seq) {
    const started = Date.now();
    const look = () => {
      const list = document.getElementById("message-list");
      const bubble = list && list.querySelector(`.message[data-id="${seq}"]`);
      if (!bubble) {
        if (Date.now() - started < 5000) requestAnimationFrame(look);
        return;
      }
      // On its way there the list may pass "Load newer messages": a page
      // arriving then would stop it short, so none is asked for meanwhile.
      list.dataset.showing = "true";
      // Once there, look again: "Load newer messages" may be in view already.
      const arrived = () => {
        if (!list.dataset.showing) return;
        delete list.dataset.showing;
        list.dispatchEvent(new Event("scroll"));
      };
      list.addEventListener("scrollend", arrived, { once: true });
      setTimeout(arrived, 3000);
      bubble.scrollIntoView({ block: "center", behavior: "smooth" });
      for (const lit of list.querySelectorAll('[data-highlighted="true"]')) {
        lit.removeAttribute("data-highlighted");
      }
      bubble.dataset.highlighted = "true";
      bubble.focus({ preventScroll: true });
      setTimeout(() => bubble.removeAttribute("data-highlighted"), 2500);
    };
    look();
  };
})();

// Text put into the composer at the cursor, replacing any selection, as if it
// had been typed (the emoji picker's choice): the text area is React's, which
// tracks the value it last set, so the value goes in through the native setter
// and an input event makes React's onChange (and the draft on the server)
// follow. Focus stays in the text area, the cursor after the new text.
(function () {
  const box = () => document.getElementById("composer-input");
  const setValue = Object.getOwnPropertyDescriptor(
    HTMLTextAreaElement.prototype,
    "value",
  ).set;

  window.chatInsertText = function (text) {
    const area = box();
    if (!area || typeof text !== "string" || !text) return;
    const start = area.selectionStart ?? area.value.length;
    const end = area.selectionEnd ?? start;
    setValue.call(area, area.value.slice(0, start) + text + area.value.slice(end));
    area.dispatchEvent(new Event("input", { bubbles: true }));
    area.focus();
    const caret = start + text.length;
    area.setSelectionRange(caret, caret);
  };

  // The emoji picker closes back into the text area, where the person was
  // writing, rather than onto its button (Radix's default, which this prevents;
  // the dialogs' focus return above may already have put focus there). A click
  // elsewhere that closed it keeps the focus it gave.
  window.chatFocusComposer = function (event) {
    if (event && event.preventDefault) event.preventDefault();
    const active = document.activeElement;
    const nowhere =
      !active ||
      active === document.body ||
      active.id === "emoji-button" ||
      Boolean(active.closest && active.closest('[role="dialog"]'));
    const area = box();
    if (nowhere && area) area.focus();
  };
})();

// Client-side navigation to one of the chat's addresses (a notification's
// room and message): the router follows the history entry as it does Back.
window.chatOpenAddress = function (path) {
  window.history.pushState(window.history.state, "", path);
  window.dispatchEvent(new PopStateEvent("popstate", { state: window.history.state }));
};

// Search from anywhere: Ctrl+K (Cmd+K) or "/" outside a text field opens the
// box. In it, Enter opens the first result and the arrows move through them.
(function () {
  function editable(element) {
    return (
      element instanceof HTMLElement &&
      (element.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName))
    );
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const shortcut =
      ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k") ||
      (event.key === "/" && !editable(target) && !event.ctrlKey && !event.metaKey);
    if (shortcut) {
      const box = document.getElementById("search-input");
      const button = document.getElementById("search-button");
      if (box) {
        event.preventDefault(); // never the browser's own Ctrl+K
        box.focus();
        box.select();
      } else if (button && !document.querySelector('[role="dialog"]')) {
        event.preventDefault();
        button.click();
      }
      return;
    }
    if (!(target instanceof HTMLElement) || !target.closest("#search-dialog")) return;
    const results = [...document.querySelectorAll("[data-search-result]")];
    if (!results.length) return;
    const at = results.indexOf(target);
    if (event.key === "Enter" && target.id === "search-input") {
      event.preventDefault();
      // Only once the results answer what the box holds (a search may be on its way).
      const shown = document.getElementById("search-results");
      if (shown && shown.dataset.for === target.value) results[0].click();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = at < 0 ? (step > 0 ? 0 : results.length - 1) : at + step;
      if (next < 0) document.getElementById("search-input").focus();
      else if (next < results.length) results[next].focus();
    }
  });
})();
