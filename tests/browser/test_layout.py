"""The layout breathes on a phone: icon buttons, a box that grows and shrinks (B12)."""

from playwright.sync_api import expect

from tests.browser.test_attachments import png_bytes

PHONE = {"width": 390, "height": 844}


def box_of(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box


def test_the_phone_composer_gives_the_text_box_the_width(people):
    user = people("fone", viewport=PHONE).enter()
    page = user.page
    # Icons only, still named for screen readers and tooltips.
    expect(page.get_by_role("button", name="Enviar")).to_be_visible()
    expect(page.get_by_role("button", name="Anexar")).to_be_visible()
    expect(page.get_by_role("button", name="Emoji")).to_be_visible()
    expect(page.locator("#send-button")).to_have_attribute("title", "Enviar")
    assert box_of(page, "#send-button")["width"] < 56
    assert box_of(page, "#composer-input")["width"] > 220
    empty = box_of(page, "#composer-input")["height"]
    assert empty < 48  # one line, placeholder included
    page.fill("#composer-input", "\n".join(f"verso {n}" for n in range(12)))
    page.wait_for_function(
        "h => document.getElementById('composer-input').offsetHeight > h", arg=empty
    )
    grown = box_of(page, "#composer-input")["height"]
    assert grown <= 10 * 16 + 2  # up to 10rem, then it scrolls
    page.click("#send-button")
    expect(page.locator("#composer-input")).to_have_value("")
    page.wait_for_function(
        "h => document.getElementById('composer-input').offsetHeight <= h", arg=empty
    )


def test_wide_screens_keep_the_button_words(people):
    user = people("largo", viewport={"width": 1280, "height": 800}).enter()
    expect(user.page.locator("#send-button")).to_contain_text("Enviar")
    expect(user.page.locator("#attach-button")).to_contain_text("Anexar")


def test_a_long_message_folds_until_read_more(people):
    writer = people("longa").enter()
    reader = people("leitora").enter()
    text = "começo " + "palavra " * 200 + "fim da mensagem"
    writer.send(text)
    bubble = reader.messages().filter(has_text="começo")
    more = bubble.locator(".read-more")
    expect(more).to_have_text("Ler mais")
    folded = bubble.locator(".message-text").bounding_box()
    more.click()
    expect(more).to_be_hidden()
    unfolded = bubble.locator(".message-text").bounding_box()
    assert folded and unfolded and unfolded["height"] > folded["height"] * 1.5


def test_a_picked_picture_shows_a_preview_in_the_tray(people):
    user = people("previa").enter()
    user.page.set_input_files(
        "#file-picker",
        files=[{"name": "foto.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    preview = user.page.locator("#attachment-tray .attachment-preview")
    expect(preview).to_be_visible()
    expect(preview).to_have_js_property("naturalWidth", 40)
    remove = user.page.locator("#attachment-tray .attachment-remove")
    expect(remove).to_have_attribute("aria-label", "Remover foto.png")


def test_room_buttons_and_their_badges_stay_inside_the_sidebar(people):
    reader = people("cabe", viewport={"width": 1280, "height": 800}).enter()
    writer = people("conta").enter()
    writer.page.click("#room-sala-2")
    writer.wait_in_room("Sala 2")
    writer.send("para contar")
    page = reader.page
    expect(page.locator("#unread-sala-2")).to_be_visible()
    column = box_of(page, "#rooms-list")
    for slug in ("sala-1", "sala-2", "sala-3"):
        button = box_of(page, f"#room-{slug}")
        assert column["x"] - 0.5 <= button["x"]
        assert button["x"] + button["width"] <= column["x"] + column["width"] + 0.5
    badge = box_of(page, "#unread-sala-2")
    button = box_of(page, "#room-sala-2")
    assert badge["x"] + badge["width"] <= button["x"] + button["width"]
