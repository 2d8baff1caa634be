"""Pictures of the chat for the docs, written by the browser suite (B12, B16).

Desktop and phone, light and dark, Portuguese and English: ``docs/screenshots/``
(the README shows one). A server of its own holds only this conversation; each
picture is taken once the room shows what it must.
"""

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from harness.servers import ChatServer, start_chat
from tests.support.accounts import create_account

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DEVICES = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
}
LINES = {
    "pt-BR": [
        "Bom dia! Alguém viu o *relatório* de ontem?",
        "Vi sim, ficou ótimo 👏 Só falta revisar os números da página 3.",
        "Segue a foto do quadro da reunião:",
    ],
    "en": [
        "Morning! Has anyone seen yesterday's *report*?",
        "Yes, it looks great 👏 Only the figures on page 3 need a check.",
        "Here's the whiteboard from the meeting:",
    ],
}


@pytest.fixture(scope="module")
def scene_server() -> Iterator[list[ChatServer]]:
    server = start_chat("browser-screens")
    yield [server]
    server.process.stop()


@pytest.fixture
def deployment(scene_server):
    """A server of its own: only the pictured conversation is in its rooms."""
    return scene_server


def whiteboard() -> bytes:
    """A landscape picture of a whiteboard with a chart on it."""
    picture = Image.new("RGB", (480, 300), "#f4f1ea")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((20, 20, 460, 280), outline="#8c8c8c", width=6)
    for index, height in enumerate((90, 150, 120, 200)):
        left = 70 + index * 90
        draw.rectangle((left, 250 - height, left + 50, 250), fill="#5b5bd6")
    draw.line((60, 250, 420, 250), fill="#333333", width=4)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def enter(user, room: str) -> None:
    """Go to a room (the phone's menu first, where the rooms are folded away)."""
    if user.page.locator("#sidebar-toggle").is_visible():
        user.page.click("#sidebar-toggle")
    user.page.click(f"#room-{room.lower().replace(' ', '-')}")
    user.wait_in_room(room)


@pytest.mark.parametrize("language", ["pt-BR", "en"])
def test_screenshots_of_the_chat(people, scene_server, language):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    url = scene_server[0].url
    suffix = "" if language == "pt-BR" else "-en"
    names = [f"{name}{suffix}" for name in ("ana", "bruno", "carla")]
    ana, bruno, carla = (
        create_account(url, name, language=language, username=name) for name in names
    )
    first, second, third = LINES[language]
    room = "Sala 1" if language == "pt-BR" else "Sala 2"
    writer = people("ana", account=ana, locale=language).enter()
    other = people("bruno", account=bruno, locale=language).enter()
    for user in (writer, other):
        enter(user, room)
    writer.send(first)
    # Bruno answers Ana's question quoting it; Ana likes the answer.
    question = other.messages().filter(has_text=first.replace("*", ""))
    question.hover()
    question.locator("[data-action='reply']").click()
    other.send(second)
    answer = writer.messages().filter(has_text=second).last
    answer.hover()
    answer.locator("[data-action='react']").click()
    writer.page.locator("[data-emoji='👍']").click()
    expect(answer.locator("[data-reaction='👍']")).to_have_count(1)
    other.page.set_input_files(
        "#file-picker",
        files=[{"name": "quadro.png", "mimeType": "image/png", "buffer": whiteboard()}],
    )
    expect(other.page.locator("#attachment-tray [data-state='done']")).to_have_count(1)
    other.send(third)
    for scheme in ("light", "dark"):
        for device, size in DEVICES.items():
            reader = people(
                "carla",
                account=carla,
                locale=language,
                color_scheme=scheme,
                viewport=size,
            ).enter(room)
            picture = reader.messages().filter(has_text=third).locator("img")
            expect(picture).to_have_js_property("complete", True)
            writer.page.fill("#composer-input", "…")
            expect(reader.page.locator("#typing-indicator")).not_to_have_text("")
            path = SCREENSHOTS / f"chat-{language}-{scheme}-{device}.png"
            reader.page.screenshot(path=path)
            writer.page.fill("#composer-input", "")
            expect(reader.page.locator("#typing-indicator")).to_have_text("")
            reader.page.context.close()
