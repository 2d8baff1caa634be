"""What calls a person back: the tab's title and icon, notifications and sound.

Each page gets an init script that records ``Notification`` and ``Audio`` calls
and lets the test hide the tab (``document.hidden``, ``visibilitychange``), as
a browser does when its tab goes to the background. What a page has recorded is
read inside the lock ``assets/attention.js`` notifies under, so everything the
page has seen so far is settled when it is read.
"""

import re
import uuid

from playwright.sync_api import Page, expect

from tests.browser.conftest import User

RECORDER = """
(() => {
  let hidden = false;
  Object.defineProperty(Document.prototype, "hidden", {
    configurable: true, get: () => hidden,
  });
  Object.defineProperty(Document.prototype, "visibilityState", {
    configurable: true, get: () => (hidden ? "hidden" : "visible"),
  });
  window.__setHidden = (value) => {
    hidden = value;
    document.dispatchEvent(new Event("visibilitychange"));
  };
  const Real = window.Notification;
  window.__notifications = [];
  class Recorded {
    constructor(title, options) {
      Object.assign(this, options || {}, { title });
      window.__notifications.push(this);
    }
    static get permission() { return Real ? Real.permission : "granted"; }
    static requestPermission(...args) {
      window.__asked = (window.__asked || 0) + 1;
      return Real.requestPermission(...args);
    }
    close() { this.closed = true; }
  }
  window.Notification = Recorded;
  window.__sounds = [];
  HTMLMediaElement.prototype.play = function () {
    window.__sounds.push(this.src);
    return Promise.resolve();
  };
})();
"""
NOTIFY_LOCK = "prosa-attention:notify"
SETTLED = f"""
name => navigator.locks.request({NOTIFY_LOCK!r}, () => ({{
  notifications: window.__notifications.map(n => ({{
    title: n.title, body: n.body, tag: n.tag, data: n.data,
  }})),
  sounds: window.__sounds.length,
}}))
"""


def watched(user: User, allowed: bool = True) -> User:
    """Record the user's notifications (allowed by the browser), then enter."""
    context = user.page.context
    if allowed:
        context.grant_permissions(["notifications"], origin=user.url("/").rstrip("/"))
    context.add_init_script(RECORDER)
    return user.enter()


def hide(page: Page, hidden: bool = True) -> None:
    page.evaluate("hidden => window.__setHidden(hidden)", hidden)


def recorded(page: Page) -> dict:
    """The notifications shown and sounds played so far, once settled."""
    return page.evaluate(SETTLED)


def unread_in_title(page: Page, room: str = "Sala 1") -> int:
    """The count the title shows now (0 without one), once it names the room."""
    expect(page).to_have_title(re.compile(rf"^(\(@?\d+\) )?{room} · Prosa$"))
    found = re.match(r"^\(@?(\d+)\)", page.title())
    return int(found.group(1)) if found else 0


def arrived(user: User, text: str) -> None:
    shows(user.page, text)


def shows(page: Page, text: str) -> None:
    expect(page.locator("#message-list .message").filter(has_text=text)).to_have_count(
        1
    )


def seq_of(user: User, text: str) -> int:
    return int(user.messages().filter(has_text=text).get_attribute("data-id") or 0)


def notified(page: Page, count: int) -> list[dict]:
    """Wait until the page has shown a number of notifications; all of them."""
    page.wait_for_function("n => window.__notifications.length >= n", arg=count)
    return recorded(page)["notifications"]


def choose(page: Page, value: str) -> None:
    """Pick what to be told of in the bell's popover (and close it)."""
    page.click("#attention-button")
    page.click(f"#notification-settings [value='{value}']")
    expect(page.locator(f"#notification-settings [value='{value}']")).to_have_attribute(
        "data-state", "checked"
    )
    page.keyboard.press("Escape")
    expect(page.locator("#attention-popover")).to_have_count(0)


def test_title_and_icon_count_what_came_while_hidden_and_mark_mentions(people):
    tag = uuid.uuid4().hex[:6]
    reader = watched(people("leitora"))
    writer = people("autor").enter()
    page = reader.page
    before = unread_in_title(page)
    icon = page.locator("link[rel~='icon']")

    # Visible, the open room's messages are being read: no count for them.
    writer.send(f"à vista {tag}")
    arrived(reader, f"à vista {tag}")
    assert unread_in_title(page) == before

    hide(page)
    writer.send(f"um {tag}")
    writer.send(f"dois {tag}")
    expect(page).to_have_title(f"({before + 2}) Sala 1 · Prosa")
    expect(icon).to_have_attribute("data-badge", str(before + 2))
    expect(icon).to_have_attribute("data-mention", "false")
    expect(icon).to_have_attribute("href", re.compile(r"^data:image/png;base64,"))

    # A mention elsewhere makes it an "@" count, and the badge amber.
    writer.page.click("#room-sala-2")
    writer.wait_in_room("Sala 2")
    writer.send(f"@{reader.name} três {tag}")
    expect(page).to_have_title(f"(@{before + 3}) Sala 1 · Prosa")
    expect(icon).to_have_attribute("data-mention", "true")

    # Back on screen, the open room's count ends; the other room's stays.
    hide(page, False)
    expect(page).to_have_title(f"(@{before + 1}) Sala 1 · Prosa")
    expect(icon).to_have_attribute("data-badge", str(before + 1))

    # Logged out, the login page has its own title and the plain icon.
    page.click("#logout-button")
    expect(page.locator("#login-submit")).to_be_visible()
    expect(page).to_have_title("Prosa")
    expect(icon).to_have_attribute("href", "/favicon.svg")


def test_notifications_follow_the_setting_and_the_preview_switch(people):
    tag = uuid.uuid4().hex[:6]
    reader = watched(people("leitora"))
    writer = people("autor").enter()
    page = reader.page

    # A message in the open room while hidden: author, room, text; a chime.
    hide(page)
    writer.send(f"**olá** {tag}")
    arrived(reader, f"olá {tag}")
    shown = recorded(page)
    assert [n["title"] for n in shown["notifications"]] == [f"{writer.name} em Sala 1"]
    assert shown["notifications"][0]["body"] == f"olá {tag}"
    assert shown["notifications"][0]["data"] == {
        "room": "sala-1",
        "seq": seq_of(reader, f"olá {tag}"),
    }
    assert shown["sounds"] == 1
    # Nothing for one's own message.
    reader.send(f"minha {tag}")
    assert len(recorded(page)["notifications"]) == 1

    # A mention in another room reaches a visible tab too; without the text.
    hide(page, False)
    page.click("#attention-button")
    page.click("#preview-toggle")
    expect(page.locator("#preview-toggle")).to_have_attribute("data-state", "unchecked")
    page.keyboard.press("Escape")
    writer.page.click("#room-sala-2")
    writer.wait_in_room("Sala 2")
    writer.send(f"@{reader.name} segredo {tag}")
    mention = notified(page, 2)[-1]
    assert mention["title"] == f"{writer.name} mencionou você em Sala 2"
    assert mention["body"] == "Mencionou você"
    assert mention["tag"].startswith(f"prosa:{reader.name}:sala-2:")

    # "Mentions only": a hidden tab's room is quiet.
    choose(page, "mentions")
    writer.page.click("#room-sala-1")
    writer.wait_in_room("Sala 1")
    hide(page)
    writer.send(f"só conversa {tag}")
    arrived(reader, f"só conversa {tag}")
    # Off: nothing at all, not even a mention, and no sound.
    choose(page, "off")
    writer.send(f"@{reader.name} ninguém ouve {tag}")
    arrived(reader, f"ninguém ouve {tag}")
    # Mentions again: the next mention is the next notification.
    choose(page, "mentions")
    writer.send(f"@{reader.name} depois {tag}")
    last = notified(page, 3)
    assert len(last) == 3
    assert last[-1]["data"]["seq"] == seq_of(reader, f"depois {tag}")
    assert recorded(page)["sounds"] == 3


def test_permission_is_asked_only_from_the_button_and_sound_has_its_own_switch(
    people,
):
    tag = uuid.uuid4().hex[:6]
    reader = watched(people("leitora"), allowed=False)
    writer = people("autor").enter()
    page = reader.page
    expect(page).to_have_title(re.compile(r"Sala 1 · Prosa$"))
    assert page.evaluate("() => window.__asked || 0") == 0  # not on page load
    page.click("#attention-button")
    button = page.locator("#permission-button")
    expect(button).to_be_visible()
    expect(page.locator(".permission-granted")).to_be_hidden()
    button.click()
    assert page.evaluate("() => window.__asked || 0") == 1

    # Without the browser's permission the chime still plays; its switch
    # silences it, in every tab of the person.
    hide(page)
    writer.send(f"toca {tag}")
    arrived(reader, f"toca {tag}")
    assert recorded(page) == {"notifications": [], "sounds": 1}
    page.click("#sound-toggle")
    expect(page.locator("#sound-toggle")).to_have_attribute("data-state", "unchecked")
    later = reader.page.context.new_page()
    later.goto(reader.url("/"))
    later.click("#attention-button")
    expect(later.locator("#sound-toggle")).to_have_attribute("data-state", "unchecked")
    later.close()
    writer.send(f"silêncio {tag}")
    arrived(reader, f"silêncio {tag}")
    assert recorded(page)["sounds"] == 1


def test_several_tabs_of_a_browser_notify_once(people):
    tag = uuid.uuid4().hex[:6]
    reader = watched(people("leitora"))
    second = reader.page.context.new_page()
    second.goto(reader.url("/"))
    expect(second.locator("#room-title")).to_have_text("Sala 1")
    writer = people("autor").enter()
    tabs = [reader.page, second]

    # One tab is on screen with the room: neither notifies.
    hide(second)
    writer.send(f"vista {tag}")
    for tab in tabs:
        shows(tab, f"vista {tag}")
    assert [len(recorded(tab)["notifications"]) for tab in tabs] == [0, 0]

    # Both hidden: exactly one of them does, with a tag of its own.
    hide(reader.page)
    writer.send(f"escondidas {tag}")
    for tab in tabs:
        shows(tab, f"escondidas {tag}")
    counts = [len(recorded(tab)["notifications"]) for tab in tabs]
    assert sorted(counts) == [0, 1]

    # A mention elsewhere reaches both tabs; one of them tells of it.
    writer.page.click("#room-sala-2")
    writer.wait_in_room("Sala 2")
    writer.send(f"@{reader.name} uma vez {tag}")
    for tab in tabs:
        # The notice has reached the page: what it does with it is settled
        # once the lock is free (``recorded``).
        notice = tab.locator("#attention-data")
        expect(notice).to_have_attribute("data-notice", re.compile(f"uma vez {tag}"))
    assert sum(len(recorded(tab)["notifications"]) for tab in tabs) == 2


def test_clicking_a_notification_opens_its_room_at_the_message(people):
    tag = uuid.uuid4().hex[:6]
    reader = watched(people("leitora"))
    writer = people("autor").enter()
    writer.page.click("#room-sala-2")
    writer.wait_in_room("Sala 2")
    page = reader.page
    hide(page)
    writer.send(f"@{reader.name} vem ver {tag}")
    notice = notified(page, 1)[-1]
    assert notice["data"]["room"] == "sala-2"
    seq = notice["data"]["seq"]

    hide(page, False)
    page.evaluate("() => window.__notifications.at(-1).onclick()")
    reader.wait_in_room("Sala 2")
    expect(page.locator(f"[data-message-id='sala-2:{seq}']")).to_have_attribute(
        "data-highlighted", "true"
    )
