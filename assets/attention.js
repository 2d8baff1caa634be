// What calls a person back to the chat: the tab's title and icon, browser
// notifications and a sound. Everything is read from the hidden
// #attention-data element, drawn from the page's state (components/attention.py):
// every room's latest number, the read and mention marks, the person's settings
// (the same in all their tabs), the latest mention notice (sent on the person's
// own channel) and the words to write, in the tab's language.
//
// Title: "(N) Sala 2 · Prosa", N the unread messages of every other room, and of
// the open room those that arrived while the tab was hidden; "(@N)" while a
// mention is unread. The icon gets a badge drawn on a canvas from favicon.svg.
//
// Notifications: a message arriving in the open room while the tab is hidden
// (setting "all"; read from the message list the page draws), and a mention
// anywhere unless a visible tab shows its room ("all" and "mentions"). Several
// tabs of this browser show a notification once: a Web Lock, and inside it a
// localStorage key per message. Permission is asked only from the button in the
// bell's popover (#permission-button).
(function () {
  const SOUND = "/chime.wav";
  const KEEP_MS = 24 * 3600 * 1000; // how long a notified message is remembered
  const FRESH_MS = 15000; // a tab that said nothing for longer is not "visible"
  const TAB = Math.random().toString(36).slice(2);
  const PREFIX = "prosa-attention:";

  const last = { title: "", badge: null }; // what is shown now
  let hiddenFrom = null; // the open room's latest number when the tab hid
  let hiddenRoom = "";
  let hiddenMention = false; // a mention arrived in the open room while hidden
  // Messages of the open room already decided on, told of or not: another
  // tab hiding later does not make them news.
  let decided = new Set();
  let seenRoom = ""; // the room of the previous update
  let lastNotice = "";
  let baseIcon = null; // favicon.svg, loaded once
  let scheduled = false;

  const data = () => document.getElementById("attention-data");

  function parse(text) {
    try {
      const value = JSON.parse(text || "{}");
      return value && typeof value === "object" ? value : {};
    } catch (error) {
      return {};
    }
  }

  function read(el) {
    const d = el.dataset;
    return {
      user: d.user || "",
      room: d.room || "",
      roomName: d.roomName || "",
      product: d.product || "",
      latest: parse(d.latest),
      lastRead: parse(d.lastRead),
      mentioned: parse(d.mentioned),
      notice: parse(d.notice),
      notify: d.notify || "all",
      preview: d.preview !== "false",
      sound: d.sound !== "false",
      previewLength: Number(d.previewLength) || 120,
      text: {
        message: d.textMessage || "",
        mention: d.textMention || "",
        fresh: d.textNew || "",
        mentioned: d.textMentioned || "",
      },
    };
  }

  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (whole, name) =>
      name in values ? values[name] : whole,
    );

  // The open room's messages that arrived while the tab was hidden, less what
  // the person read meanwhile elsewhere (another tab, another device).
  function hiddenCount(state) {
    if (!document.hidden || hiddenFrom === null || hiddenRoom !== state.room)
      return 0;
    const read = Math.max(hiddenFrom, Number(state.lastRead[state.room]) || 0);
    return Math.max(0, (Number(state.latest[state.room]) || 0) - read);
  }

  function counts(state) {
    let unread = hiddenCount(state);
    let mention = hiddenMention;
    for (const [room, latest] of Object.entries(state.latest)) {
      if (room === state.room) continue;
      const read = Number(state.lastRead[room]) || 0;
      unread += Math.max(0, (Number(latest) || 0) - read);
      if ((Number(state.mentioned[room]) || 0) > read) mention = true;
    }
    return { unread, mention };
  }

  function showTitle(state) {
    const { unread, mention } = counts(state);
    const name = state.roomName
      ? `${state.roomName} · ${state.product}`
      : state.product;
    const mark = unread > 0 ? `(${mention ? "@" : ""}${unread}) ` : "";
    const title = mark + name;
    if (document.title !== title) document.title = title;
    last.title = title;
    const badge = unread > 0 ? (unread > 99 ? "99+" : String(unread)) : "";
    showBadge(badge, mention && unread > 0);
  }

  function iconLink() {
    return document.querySelector("link[rel~='icon']");
  }

  function showBadge(badge, mention) {
    const key = badge + (mention ? "@" : "");
    if (last.badge === key) return;
    last.badge = key;
    const link = iconLink();
    if (!link) return;
    link.dataset.badge = badge;
    link.dataset.mention = mention ? "true" : "false";
    if (!badge) {
      link.type = "image/svg+xml";
      link.href = "/favicon.svg";
      return;
    }
    const draw = () => {
      if (last.badge !== key) return; // a later count is on its way
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = 64;
      const ctx = canvas.getContext("2d");
      if (!ctx) return;
      if (baseIcon && baseIcon.complete && baseIcon.naturalWidth)
        ctx.drawImage(baseIcon, 0, 0, 64, 64);
      const radius = badge.length > 2 ? 20 : 17;
      ctx.beginPath();
      ctx.arc(64 - radius, radius, radius, 0, 2 * Math.PI);
      ctx.fillStyle = mention ? "#ffc53d" : "#e5484d"; // amber for "@", else red
      ctx.fill();
      ctx.fillStyle = mention ? "#21201c" : "#ffffff";
      ctx.font = `bold ${badge.length > 2 ? 18 : 24}px sans-serif`;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText(badge, 64 - radius, radius + 1);
      link.type = "image/png";
      link.href = canvas.toDataURL("image/png");
    };
    if (!baseIcon) {
      baseIcon = new Image();
      baseIcon.addEventListener("load", draw);
      baseIcon.addEventListener("error", draw);
      baseIcon.src = "/favicon.svg";
    } else if (!baseIcon.complete) {
      baseIcon.addEventListener("load", draw, { once: true });
    } else {
      draw();
    }
  }

  // Which tabs of this browser are visible, and in which room: each tab says
  // so in localStorage, again every few seconds while visible.
  let said = { room: null, visible: null, at: 0 };
  function sayWhereIAm(state) {
    const now = Date.now();
    const visible = !document.hidden;
    // Pages change often (typing, presence): write only news, or a refresh.
    if (
      said.room === state.room &&
      said.visible === visible &&
      now - said.at < FRESH_MS / 3
    )
      return;
    said = { room: state.room, visible, at: now };
    try {
      localStorage.setItem(
        `${PREFIX}tab:${TAB}`,
        JSON.stringify({ user: state.user, room: state.room, visible, at: now }),
      );
    } catch (error) {
      // storage full or refused: the lock still keeps notifications single
    }
  }

  function shownElsewhere(user, room) {
    const now = Date.now();
    const keys = [];
    for (let i = 0; i < localStorage.length; i++) keys.push(localStorage.key(i));
    for (const key of keys) {
      if (!key || !key.startsWith(`${PREFIX}tab:`) || key.endsWith(TAB))
        continue;
      const tab = parse(localStorage.getItem(key));
      if (now - (tab.at || 0) > FRESH_MS) {
        localStorage.removeItem(key);
        continue;
      }
      if (tab.visible && tab.user === user && tab.room === room) return true;
    }
    return false;
  }

  function forgetOld() {
    const now = Date.now();
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const key = localStorage.key(i);
      if (!key || !key.startsWith(`${PREFIX}told:`)) continue;
      if (now - (Number(localStorage.getItem(key)) || 0) > KEEP_MS)
        localStorage.removeItem(key);
    }
  }

  // Run `tell` once for this message in this browser, whichever tab is first.
  function once(key, tell) {
    const stored = `${PREFIX}told:${key}`;
    const run = () => {
      if (localStorage.getItem(stored)) return;
      localStorage.setItem(stored, String(Date.now()));
      tell();
    };
    if (navigator.locks && navigator.locks.request) {
      navigator.locks.request(`${PREFIX}notify`, run).catch(() => {});
    } else {
      run();
    }
  }

  function openAddress(path) {
    if (typeof window.chatOpenAddress === "function") {
      window.chatOpenAddress(path);
    } else {
      window.location.assign(path);
    }
  }

  let audio = null;
  function chime() {
    if (!audio) audio = new Audio(SOUND);
    audio.currentTime = 0;
    // Browsers refuse sound before the person touched the page: no matter.
    const playing = audio.play();
    if (playing && playing.catch) playing.catch(() => {});
  }

  function tell(state, { room, roomName, seq, author, preview, mention }) {
    const key = `${state.user}:${room}:${seq}`;
    once(key, () => {
      if (state.sound) chime();
      if (!("Notification" in window) || Notification.permission !== "granted")
        return;
      const title = fill(mention ? state.text.mention : state.text.message, {
        author,
        room: roomName,
      });
      const body =
        state.preview && preview
          ? preview
          : mention
            ? state.text.mentioned
            : state.text.fresh;
      let shown;
      try {
        shown = new Notification(title, {
          body,
          tag: `prosa:${key}`,
          icon: "/favicon.svg",
          data: { room, seq },
        });
      } catch (error) {
        return; // a browser that only notifies from a service worker
      }
      shown.onclick = () => {
        window.focus();
        openAddress(`/rooms/${encodeURIComponent(room)}/${seq}`);
        shown.close();
      };
    });
  }

  function onNotice(state) {
    const notice = state.notice;
    if (!notice.key || notice.key === lastNotice) return;
    lastNotice = notice.key;
    const here = notice.room === state.room;
    if (here && document.hidden) hiddenMention = true;
    if (notice.author === state.user || state.notify === "off") return;
    if (here && !document.hidden) return; // on screen already
    if (shownElsewhere(state.user, notice.room)) return;
    tell(state, {
      room: notice.room,
      roomName: notice.room_name,
      seq: notice.seq,
      author: notice.author,
      preview: notice.preview,
      mention: true,
    });
  }

  // The open room's new messages, as the page drew them, while hidden.
  function onMessages(state) {
    if (!document.hidden || hiddenFrom === null || hiddenRoom !== state.room)
      return;
    if (state.notify !== "all") return;
    const list = document.getElementById("message-list");
    if (!list) return;
    for (const node of list.querySelectorAll(".message[data-message-id]")) {
      const [room, number] = node.dataset.messageId.split(":");
      const seq = Number(number);
      if (room !== state.room || !(seq > hiddenFrom) || decided.has(seq))
        continue;
      decided.add(seq);
      // Own messages never; a mention comes as its notice.
      if (node.dataset.own === "true" || node.dataset.deleted === "true")
        continue;
      if (node.dataset.mentionsMe === "true") continue;
      if (shownElsewhere(state.user, room)) continue;
      const text = node.querySelector(".message-text");
      const words = text ? text.textContent.replace(/\s+/g, " ").trim() : "";
      tell(state, {
        room,
        roomName: state.roomName,
        seq,
        author: node.dataset.author || "",
        preview:
          words.length > state.previewLength
            ? `${words.slice(0, state.previewLength - 1)}…`
            : words,
        mention: false,
      });
    }
  }

  function update() {
    scheduled = false;
    const el = data();
    if (!el) {
      // Off the chat (logged out): the page's own title, the plain icon.
      last.title = "";
      showBadge("", false);
      return;
    }
    const state = read(el);
    if (state.room !== seenRoom) {
      // Another room (or the first): what it holds now was not "while hidden".
      seenRoom = state.room;
      hiddenMention = false;
      hiddenFrom = null;
      decided = new Set();
    }
    if (document.hidden && hiddenFrom === null && state.room in state.latest) {
      hiddenFrom = Number(state.latest[state.room]) || 0;
      hiddenRoom = state.room;
    }
    onNotice(state);
    onMessages(state);
    showTitle(state);
    sayWhereIAm(state);
  }

  function soon() {
    if (scheduled) return;
    scheduled = true;
    Promise.resolve().then(update);
  }

  // The permission line in the bell's popover: the part that fits, and the
  // button asking (the only place the chat asks).
  function showPermission() {
    const line = document.getElementById("notification-permission");
    if (!line) return;
    const now =
      "Notification" in window ? Notification.permission : "unsupported";
    if (line.dataset.permission === now) return;
    line.dataset.permission = now;
    const parts = {
      "#permission-button": now === "default",
      ".permission-granted": now === "granted",
      ".permission-denied": now === "denied",
      ".permission-unsupported": now === "unsupported",
    };
    for (const [selector, shown] of Object.entries(parts)) {
      const part = line.querySelector(selector);
      if (part) part.hidden = !shown;
    }
  }

  document.addEventListener("click", (event) => {
    const target = event.target;
    const button = target.closest && target.closest("#permission-button");
    if (!button || !("Notification" in window)) return;
    const asked = Notification.requestPermission(showPermission);
    if (asked && asked.then) asked.then(showPermission, showPermission);
  });

  // Hiding starts a new count from the open room's number (the update settles
  // it); showing the tab ends it.
  document.addEventListener("visibilitychange", () => {
    hiddenFrom = null;
    hiddenMention = false;
    update();
  });
  window.addEventListener("pagehide", () => {
    localStorage.removeItem(`${PREFIX}tab:${TAB}`);
  });
  // Visible tabs say so again before their word goes stale.
  setInterval(() => {
    if (!document.hidden && data()) sayWhereIAm(read(data()));
  }, FRESH_MS / 4);

  function start() {
    forgetOld();
    new MutationObserver(() => {
      soon();
      showPermission();
    }).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: [
        "data-latest",
        "data-last-read",
        "data-mentioned",
        "data-notice",
        "data-room",
        "data-room-name",
        "data-message-id",
        "data-notify",
      ],
    });
    // React puts the page's static title back when it draws the head again.
    const head = document.querySelector("head");
    if (head)
      new MutationObserver(() => {
        if (last.title && data() && document.title !== last.title)
          document.title = last.title;
      }).observe(head, { subtree: true, childList: true, characterData: true });
    soon();
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
