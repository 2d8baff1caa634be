// How far a visible tab has read, told to the server through the hidden
// #read-report field (the way mentions.js asks for people). At the bottom of
// the message list the tab reads live: it says so once ("<newest>+"), and the
// server then counts every message it delivers to the tab as read, so a busy
// room costs no report per message. Scrolled up, it tells the newest message
// in view, at most once a second. A hidden tab (behind another, minimised)
// reads nothing: it says so at once. The server checks and limits it all again.
(function () {
  const EVERY_MS = 1000;
  // While live, said again now and then: a tab whose socket reconnected (to
  // another backend process, perhaps) is followed again.
  const AGAIN_MS = 30000;
  const BOTTOM_PX = 80;
  const setValue = Object.getOwnPropertyDescriptor(
    HTMLInputElement.prototype,
    "value",
  ).set;
  const reported = {}; // room slug -> the furthest message told
  let live = null; // what the server was last told: reading live or not
  let liveAt = 0;
  let toldAt = 0;
  let timer = null;

  // The list is laid out in column-reverse: scrollTop is 0 at the bottom.
  function furthest(list, atBottom) {
    const view = list.getBoundingClientRect();
    let room = "";
    let id = 0;
    for (const bubble of list.querySelectorAll(".message[data-message-id]")) {
      const number = Number(bubble.dataset.id) || 0;
      if (number <= id) continue;
      if (!atBottom) {
        const box = bubble.getBoundingClientRect();
        if (box.top >= view.bottom || box.bottom <= view.top) continue;
      }
      id = number;
      room = bubble.dataset.messageId.split(":")[0];
    }
    return { room, id };
  }

  function send(field, text) {
    toldAt = Date.now();
    // React sees a change even when the text is the same as last time's.
    if (field._valueTracker) field._valueTracker.setValue("");
    setValue.call(field, text);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function tell() {
    timer = null;
    const list = document.getElementById("message-list");
    const field = document.getElementById("read-report");
    if (!list || !field) {
      live = null; // in no room: said again once a room shows
      return;
    }
    const atBottom = list.scrollTop > -BOTTOM_PX;
    const reading = !document.hidden && atBottom;
    const { room, id } = furthest(list, atBottom);
    if (!id) return;
    const now = Date.now();
    if (reading !== live || (reading && now - liveAt > AGAIN_MS)) {
      live = reading;
      liveAt = now;
      reported[room] = Math.max(reported[room] || 0, reading ? id : 0);
      send(field, reading ? `${id}+` : String(reported[room] || id));
      return;
    }
    if (reading || document.hidden || id <= (reported[room] || 0)) return;
    reported[room] = id;
    send(field, String(id));
  }

  function soon() {
    if (timer !== null) return;
    // Hiding is told at once: from then on, nothing is read.
    const wait = document.hidden ? 0 : toldAt + EVERY_MS - Date.now();
    timer = setTimeout(tell, Math.max(0, wait));
  }

  document.addEventListener("scroll", soon, { capture: true, passive: true });
  document.addEventListener("visibilitychange", soon);
  window.addEventListener("focus", soon);
  setInterval(soon, AGAIN_MS / 2);
  const start = () => {
    new MutationObserver(soon).observe(document.body, {
      childList: true,
      subtree: true,
    });
    soon();
  };
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
