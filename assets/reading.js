// How far a visible tab has read, told to the server at most once a second
// (through the hidden #read-report field, the way mentions.js asks for people):
// at the bottom of the message list, its newest message; scrolled up, the
// newest message in view. A hidden tab (behind another, minimised) tells
// nothing: nobody is reading it. The server checks and limits it again.
(function () {
  const EVERY_MS = 1000;
  const BOTTOM_PX = 80;
  const setValue = Object.getOwnPropertyDescriptor(
    HTMLInputElement.prototype,
    "value",
  ).set;
  const reported = {}; // room slug -> the furthest message told
  let toldAt = 0;
  let timer = null;

  // The list is laid out in column-reverse: scrollTop is 0 at the bottom.
  function furthest(list) {
    const atBottom = list.scrollTop > -BOTTOM_PX;
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

  function tell() {
    timer = null;
    if (document.hidden) return;
    const list = document.getElementById("message-list");
    const field = document.getElementById("read-report");
    if (!list || !field) return;
    const { room, id } = furthest(list);
    if (!id || id <= (reported[room] || 0)) return;
    reported[room] = id;
    toldAt = Date.now();
    // React sees a change even when another room's report had the same number.
    if (field._valueTracker) field._valueTracker.setValue("");
    setValue.call(field, String(id));
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function soon() {
    if (timer !== null || document.hidden) return;
    timer = setTimeout(tell, Math.max(0, toldAt + EVERY_MS - Date.now()));
  }

  document.addEventListener("scroll", soon, { capture: true, passive: true });
  document.addEventListener("visibilitychange", soon);
  window.addEventListener("focus", soon);
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
