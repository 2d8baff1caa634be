"""Mentions in the composer: "@" lists people, the room's members first, picked
by Tab, Enter or a click; the person named sees the message lit up, and an "@"
beside the room while they are elsewhere."""

import uuid

from playwright.sync_api import Locator, Page, expect

from tests.browser.test_accessibility import assert_accessible
from tests.support.accounts import create_account


def mention_list(page: Page) -> Locator:
    return page.get_by_role("listbox", name="Pessoas para mencionar")


def offered(page: Page) -> Locator:
    """The options shown (the list hides those the typed word rules out)."""
    return mention_list(page).get_by_role("option")


def option(page: Page, username: str) -> Locator:
    return mention_list(page).locator(f"[data-username='{username}']")


def test_at_lists_members_first_and_picks_by_tab_enter_and_click(people, deployment):
    tag = uuid.uuid4().hex[:6]
    # Zoe is in the room; Ângela has an account but is not here. Her username
    # comes first in the alphabet, but Zoe is listed first.
    zoe_account = create_account(deployment[0].url, "zoe", username=f"m{tag}-zoe")
    angela = create_account(deployment[0].url, f"ângela{tag}", username=f"m{tag}-ana")
    writer = people("autora").enter()
    zoe = people("zoe", account=zoe_account).enter()
    # (A room without messages fails axe on its own: an empty scrolling list.)
    zoe.send(f"oi {tag}")
    page = writer.page
    box = page.locator("#composer-input")
    box.click()
    page.keyboard.type(f"Oi @m{tag}")

    expect(mention_list(page)).to_be_visible()
    expect(offered(page)).to_have_count(2)
    expect(offered(page).nth(0)).to_have_attribute("data-username", zoe.name)
    expect(offered(page).nth(0)).to_contain_text("nesta sala")
    expect(offered(page).nth(1)).to_have_attribute("data-username", angela.username)
    expect(offered(page).nth(1)).to_contain_text(angela.name)
    expect(offered(page).nth(0)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("role", "combobox")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("aria-controls", "mention-list")
    expect(box).to_have_attribute("aria-activedescendant", f"mention-option-{zoe.name}")
    assert_accessible(page, "mention list")

    # The arrows move the active option, round the ends; Tab picks it.
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute(
        "aria-activedescendant", f"mention-option-{angela.username}"
    )
    expect(offered(page).nth(0)).to_have_attribute("aria-selected", "false")
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", f"mention-option-{zoe.name}")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(box).to_have_attribute("aria-activedescendant", f"mention-option-{zoe.name}")
    page.keyboard.press("Tab")
    expect(box).to_have_value(f"Oi @{zoe.name} ")
    expect(box).to_be_focused()
    expect(mention_list(page)).to_be_hidden()
    expect(box).not_to_have_attribute("role", "combobox")
    expect(box).not_to_have_attribute("aria-expanded", "true")

    # By her name, without its accent and in another case; Enter picks and
    # does not send.
    page.keyboard.type(f"e @Angela{tag.upper()}")
    expect(offered(page)).to_have_count(1)
    expect(offered(page).nth(0)).to_have_attribute("data-username", angela.username)
    page.keyboard.press("Enter")
    expect(box).to_have_value(f"Oi @{zoe.name} e @{angela.username} ")
    expect(writer.messages().filter(has_text=f"Oi @{zoe.name}")).to_have_count(0)

    # A bare "@" lists the room; a click picks, and the focus stays.
    page.keyboard.type("e @")
    expect(option(page, zoe.name)).to_be_visible()
    page.keyboard.type(f"m{tag}-z")
    expect(offered(page)).to_have_count(1)
    option(page, zoe.name).click()
    sent = f"Oi @{zoe.name} e @{angela.username} e @{zoe.name} "
    expect(box).to_have_value(sent)
    expect(box).to_be_focused()
    expect(mention_list(page)).to_be_hidden()
    page.keyboard.press("Enter")
    expect(box).to_have_value("")

    # Zoe sees it lit up for her; the writer does not.
    for_zoe = zoe.messages().filter(has_text=sent.strip())
    expect(for_zoe).to_have_attribute("data-mentions-me", "true")
    expect(for_zoe.locator(f"[data-mention='{angela.username}']")).to_have_count(1)
    mine = writer.messages().filter(has_text=sent.strip())
    expect(mine).to_have_attribute("data-mentions-me", "false")


def test_escape_closes_the_list_first_and_someone_elsewhere_gets_an_at(people):
    reader = people("leitora").enter()
    writer = people("escreve", color_scheme="dark").enter()
    page = writer.page
    reader.page.click("#room-sala-2")
    reader.wait_in_room("Sala 2")
    expect(page.locator(f"#user-{reader.name}")).to_have_count(0)
    first = f"primeira {uuid.uuid4().hex[:6]}"
    writer.send(first)

    # Replying, the list opens; Escape closes it and the reply stays.
    bubble = writer.messages().filter(has_text=first)
    bubble.focus()
    page.keyboard.press("r")
    expect(page.locator("#reply-preview")).to_be_visible()
    box = page.locator("#composer-input")
    expect(box).to_be_focused()
    page.keyboard.type("olha @" + reader.name[:-1])
    # Reader is in another room: listed, but not as here.
    expect(offered(page)).to_have_count(1)
    expect(option(page, reader.name)).not_to_contain_text("nesta sala")
    assert_accessible(page, "mention list, dark")
    page.keyboard.press("Escape")
    expect(mention_list(page)).to_be_hidden()
    expect(page.locator("#reply-preview")).to_be_visible()
    expect(box).to_have_value("olha @" + reader.name[:-1])
    # Typing on opens it again.
    page.keyboard.type(reader.name[-1])
    expect(option(page, reader.name)).to_be_visible()
    page.keyboard.press("Tab")
    text = f"olha @{reader.name} "
    expect(box).to_have_value(text)
    page.keyboard.press("Enter")
    expect(box).to_have_value("")
    expect(page.locator("#reply-preview")).to_have_count(0)

    # Elsewhere, the reader's "@" shows beside Sala 1 until they open it.
    mark = reader.page.locator("#mention-sala-1")
    expect(mark).to_be_visible()
    reader.page.click("#room-sala-1")
    reader.wait_in_room("Sala 1")
    expect(mark).to_have_count(0)
    mentioned = reader.messages().filter(has_text=text.strip())
    expect(mentioned).to_have_attribute("data-mentions-me", "true")
    reader.page.click("#room-sala-2")
    reader.wait_in_room("Sala 2")
    expect(reader.page.locator("#room-sala-1")).to_be_visible()
    expect(mark).to_have_count(0)
