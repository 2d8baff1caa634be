// The message list follows new messages by itself while the reader is at the
// bottom (it is laid out in column-reverse). Scrolled up, the reader instead sees
// a "jump to latest" button with the number of messages that arrived since.
// Scrolled to the very top, the previous page of history loads (the same as the
// "Load older messages" button, which stays for keyboard users).
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

    const loadOlderAtTop = () => {
      const fromTop = list.scrollHeight - list.clientHeight + list.scrollTop;
      const button = document.getElementById("load-older");
      if (fromTop < TOP_PX && button && !button.disabled) button.click();
    };

    list.addEventListener("scroll", refresh, { passive: true });
    list.addEventListener("scroll", loadOlderAtTop, { passive: true });
    new MutationObserver(refresh).observe(list, { childList: true, subtree: true });
    refresh();
  }

  window.chatJumpToLatest = function () {
    const list = document.getElementById("message-list");
    if (list) list.scrollTo({ top: 0, behavior: "smooth" });
  };

  new MutationObserver(() => {
    const list = document.getElementById("message-list");
    if (list) watch(list);
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
