"""The composer's emoji picker: by mouse and keyboard, at the cursor, offline."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, expect

from tests.browser.test_accessibility import assert_accessible

# 😃, found by "sorriso" in Portuguese and by "smile" in English.
SMILEY = "\U0001f603"


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def record_requests(page: Page) -> list[str]:
    """Every address the page asks for from now on."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def picker(page: Page) -> Locator:
    return page.locator("#emoji-popover #emoji-picker")


def emoji(page: Page, unified: str) -> Locator:
    """An emoji in its own category (once used, it is in "Mais usados" too)."""
    return picker(page).locator(
        "[data-epr-category]:not([data-epr-category='suggested']) "
        f"[data-epr-part='emoji'][data-epr-unified='{unified}']"
    )


def background(locator: Locator) -> list[int]:
    """The red, green and blue of an element's background."""
    colour = locator.evaluate("element => getComputedStyle(element).backgroundColor")
    return [int(n) for n in re.findall(r"\d+", colour)[:3]]


def caret(page: Page) -> list[int]:
    return page.locator("#composer-input").evaluate(
        "box => [box.selectionStart, box.selectionEnd]"
    )


def test_a_clicked_emoji_goes_in_at_the_cursor_and_reaches_the_room(people):
    ana = people("emoji")
    requests = record_requests(ana.page)
    ana.enter()
    bia = people("leitora").enter()
    page = ana.page
    box = page.locator("#composer-input")
    box.fill("bom pessoal")
    box.press("End")
    for _ in "pessoal":
        box.press("ArrowLeft")

    # The picker's code and Portuguese names load when it first opens.
    assert [url for url in requests if "emojis-pt" in url] == []
    button = page.get_by_role("button", name="Emoji", exact=True)
    expect(button).to_have_attribute("title", "Emoji")
    button.click()
    expect(page.get_by_role("dialog", name="Escolha um emoji")).to_be_visible()
    search = picker(page).get_by_role("textbox", name="Buscar um emoji")
    expect(search).to_be_focused()
    expect(search).to_have_attribute("placeholder", "Buscar emoji")
    expect(picker(page)).to_contain_text("Carinhas e pessoas")
    assert min(background(picker(page))) > 200  # the app's light theme
    search.fill("sorriso")
    smiley = emoji(page, "1f603")
    # Portuguese names: the words the search matched.
    expect(smiley).to_have_attribute("aria-label", re.compile("rosto risonho"))
    expect(emoji(page, "1f436")).to_have_count(0)  # 🐶 is not a smile
    smiley.click()

    expect(picker(page)).to_have_count(0)
    expect(box).to_have_value(f"bom {SMILEY}pessoal")
    expect(box).to_be_focused()
    assert caret(page) == [6, 6]  # after the emoji (two UTF-16 units)
    page.keyboard.type(" ")  # typing goes on where the emoji ended

    # A selection is replaced.
    box.evaluate("box => box.setSelectionRange(0, 3)")  # "bom"
    button.click()
    picker(page).get_by_role("textbox").fill("sorriso")
    emoji(page, "1f603").click()
    expect(box).to_have_value(f"{SMILEY} {SMILEY} pessoal")
    assert caret(page) == [2, 2]

    box.press("Enter")
    expect(box).to_have_value("")
    expect(bia.messages().filter(has_text=f"{SMILEY} {SMILEY} pessoal")).to_have_count(
        1
    )
    # Offline: the picker's code, its Portuguese names and the emoji themselves
    # (the system's font) came from the chat's own server, nothing from elsewhere.
    assert any("emojis-pt" in url for url in requests)
    mine = origin(ana.url())
    assert [url for url in requests if origin(url) != mine] == []


def test_the_keyboard_opens_searches_picks_and_escapes(people):
    ana = people("teclado", locale="en-US", color_scheme="dark")
    requests = record_requests(ana.page)
    ana.enter()
    bia = people("observa").enter()
    page = ana.page
    page.select_option("#language-switch", "en")
    expect(page.locator("#send-button")).to_contain_text("Send")
    box = page.locator("#composer-input")
    box.focus()
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#emoji-button")).to_be_focused()
    page.keyboard.press("Enter")
    search = picker(page).get_by_role("textbox", name="Search for an emoji")
    expect(search).to_be_focused()
    expect(picker(page)).to_contain_text("Smileys & people")
    assert max(background(picker(page))) < 80  # the app's dark theme
    page.keyboard.type("smile")
    expect(emoji(page, "1f603")).to_be_visible()
    expect(emoji(page, "1f436")).to_have_count(0)
    assert_accessible(page, "emoji picker, dark, English")
    page.keyboard.press("ArrowDown")
    chosen = picker(page).locator("[data-epr-part='emoji']:focus")
    expect(chosen).to_have_count(1)
    character = chosen.inner_text()
    page.keyboard.press("Enter")
    expect(picker(page)).to_have_count(0)
    expect(box).to_have_value(character)
    expect(box).to_be_focused()
    # The server's draft followed: the room hears that Ana is typing.
    expect(bia.page.locator("#typing-indicator")).to_contain_text(ana.name)

    # Escape closes the picker and gives focus back to the text area.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(picker(page)).to_be_visible()
    page.keyboard.press("Escape")
    expect(picker(page)).to_have_count(0)
    expect(box).to_be_focused()
    expect(box).to_have_value(character)

    # A click elsewhere closes the picker and keeps the focus it gave. It was
    # the app's theme: switched to light, so is the picker, whatever the system's.
    page.click("#emoji-button")
    expect(picker(page)).to_be_visible()
    page.click("#theme-toggle")
    expect(picker(page)).to_have_count(0)
    expect(page.locator("#theme-toggle")).to_be_focused()
    page.click("#emoji-button")
    expect(picker(page)).to_be_visible()
    assert min(background(picker(page))) > 200
    page.keyboard.press("Escape")
    expect(box).to_be_focused()
    mine = origin(ana.url())
    assert [url for url in requests if origin(url) != mine] == []
