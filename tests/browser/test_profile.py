"""The profile dialog in the browser: a new name and picture, seen by all (B17)."""

import re

from playwright.sync_api import expect

from tests.support import pictures


def picture_file(name: str, data: bytes, mime: str = "image/png") -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def test_a_new_name_and_picture_show_in_the_sidebar_and_to_the_others(people):
    ana = people("perfil").enter()
    bia = people("colega").enter()
    page = ana.page
    other = bia.page.locator(f"#user-{ana.name}")
    expect(other).to_have_count(1)
    expect(other.locator("img")).to_have_count(0)  # initials, until a picture

    page.click("#profile-button")
    dialog = page.locator("#profile-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_name("Seu perfil")
    expect(page.locator("#profile-name")).to_have_value(ana.account.name)
    page.fill("#profile-name", "Ana de Souza")
    page.set_input_files(
        "#avatar-upload", files=[picture_file("eu.jpg", pictures.photo_with_gps())]
    )
    expect(page.locator("#avatar-preview img")).to_have_count(1)
    page.click("#profile-save")
    expect(dialog).to_have_count(0)
    button = page.locator("#profile-button")
    expect(button).to_be_focused()  # focus back to what opened the dialog
    expect(button).to_contain_text("Ana de Souza")
    mine = button.locator("img")
    expect(mine).to_have_attribute(
        "src", re.compile(rf"^/api/avatars/{ana.name}\?v=[0-9a-f]{{32}}$")
    )
    expect(mine).to_have_js_property("naturalWidth", 256)
    # The other person sees the picture in the people list at once, and the new
    # name in the pop-up.
    expect(other.locator("img")).to_have_js_property("naturalWidth", 256)
    expect(other.locator("img")).to_have_attribute("src", mine.get_attribute("src"))
    other.click()
    expect(bia.page.locator("#user-modal-name")).to_have_text("Ana de Souza")
    expect(bia.page.locator("#user-modal img")).to_have_js_property("naturalWidth", 256)


def test_refusals_are_shown_in_the_dialog_and_change_nothing(people):
    ana = people("recusa").enter()
    page = ana.page
    page.click("#profile-button")
    expect(page.locator("#profile-dialog")).to_be_visible()
    # A picture in name only: the browser lets it through, the server refuses.
    page.set_input_files(
        "#avatar-upload", files=[picture_file("falsa.png", b"<html>not a picture")]
    )
    page.click("#profile-save")
    expect(page.locator("#avatar-error")).to_have_text(
        "Esse arquivo não é uma imagem: escolha uma imagem PNG, JPEG, WebP ou GIF."
    )
    expect(page.locator("#profile-dialog")).to_be_visible()
    # A bomb: refused by the server before it decodes a pixel.
    page.set_input_files(
        "#avatar-upload",
        files=[picture_file("bomba.png", pictures.png_declaring(9000, 9000))],
    )
    page.click("#profile-save")
    expect(page.locator("#avatar-error")).to_have_text(
        "Essa foto tem pixels demais: no máximo 40 megapixels."
    )
    # Not a picture by its type: refused before anything is sent.
    page.set_input_files(
        "#avatar-upload", files=[picture_file("nota.txt", b"oi", "text/plain")]
    )
    expect(page.locator("#avatar-error")).to_have_text(
        "Esse arquivo não é uma imagem: escolha uma imagem PNG, JPEG, WebP ou GIF."
    )
    expect(page.locator("#avatar-preview img")).to_have_count(0)
    page.fill("#profile-name", "   ")
    page.click("#profile-save")
    expect(page.locator("#profile-error")).to_have_text("Informe seu nome.")
    page.click("#profile-cancel")
    expect(page.locator("#profile-dialog")).to_have_count(0)
    button = page.locator("#profile-button")
    expect(button).to_be_focused()
    expect(button).to_contain_text(ana.account.name)
    expect(button.locator("img")).to_have_count(0)
