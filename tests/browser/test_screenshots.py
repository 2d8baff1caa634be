"""Pictures of the chat for the docs, written by the browser suite (B12, B16).

Desktop and phone, light and dark, Portuguese and English: ``docs/screenshots/``
(the README shows one). Each picture is taken once the room shows what it must.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_attachments import png_bytes

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DEVICES = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
}
LINES = {
    "pt-BR": [
        "Bom dia! Alguém viu o relatório de ontem?",
        "Vi sim, ficou ótimo 👏",
        "Segue a foto do quadro:",
    ],
    "en": [
        "Morning! Has anyone seen yesterday's report?",
        "Yes, it looks great 👏",
        "Here's the whiteboard photo:",
    ],
}


@pytest.fixture
def deployment(single_process):
    """One server: the pictures do not depend on the deployment."""
    return single_process


@pytest.mark.parametrize("language", ["pt-BR", "en"])
def test_screenshots_of_the_chat(people, language):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    ana = people("ana", locale=language).enter()
    bruno = people("bruno", locale=language).enter()
    first, second, third = LINES[language]
    ana.send(first)
    bruno.send(second)
    bruno.page.set_input_files(
        "#file-picker",
        files=[{"name": "quadro.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    expect(bruno.page.locator("#attachment-tray [data-state='done']")).to_have_count(1)
    bruno.send(third)
    for scheme in ("light", "dark"):
        for device, size in DEVICES.items():
            reader = people(
                "carla", locale=language, color_scheme=scheme, viewport=size
            )
            reader.enter()
            expect(
                reader.messages().filter(has_text=third).locator("img")
            ).to_be_visible()
            ana.page.fill("#composer-input", "…")
            expect(reader.page.locator("#typing-indicator")).not_to_have_text("")
            reader.page.screenshot(
                path=SCREENSHOTS / f"chat-{language}-{scheme}-{device}.png"
            )
            ana.page.fill("#composer-input", "")
            reader.page.context.close()
