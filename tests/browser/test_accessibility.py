"""Every screen passes axe-core, in both languages and both themes (B12, B17).

axe-core (bundled by ``axe-playwright-python``) runs in the page; a serious or
critical violation, colour contrast included, fails the test. Keyboard paths
that axe cannot see are walked here too: focus returns to what opened a dialog,
Escape closes the phone menu.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.test_attachments import png_bytes
from tests.support.accounts import admin_account

SEVERE = {"serious", "critical"}
AXE = Axe()


@pytest.fixture
def deployment(single_process):
    """One server: what is drawn does not depend on the deployment."""
    return single_process


def assert_accessible(page: Page, screen: str) -> None:
    """Run axe on the page; no serious or critical violation may be left."""
    # Colours are measured once dialogs have faded in, not half-way.
    page.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running')"
    )
    violations = AXE.run(page).response["violations"]
    severe = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(
            f"{node['target']} {node.get('failureSummary', '')[-160:]!r}"
            for node in v["nodes"][:6]
        )
        for v in violations
        if v["impact"] in SEVERE
    ]
    assert severe == [], f"{screen}:\n" + "\n".join(severe)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("locale", ["pt-BR", "en-US"])
def test_every_screen_passes_axe(people, locale, scheme):
    options = {"locale": locale, "color_scheme": scheme}
    visitor = people("axe", **options)
    visitor.open("/login")
    page = visitor.page
    expect(page.locator("html")).to_have_class(re.compile(scheme))
    assert_accessible(page, "login")
    visitor.open("/register")
    assert_accessible(page, "registration")

    sender = people("envia", **options).enter()
    sender.page.set_input_files(
        "#file-picker",
        files=[
            {"name": "praia.png", "mimeType": "image/png", "buffer": png_bytes()},
            {"name": "nota.txt", "mimeType": "text/plain", "buffer": b"oi"},
        ],
    )
    expect(sender.page.locator("#attachment-tray [data-state='done']")).to_have_count(2)
    sent = f"fotos e notas {sender.name}"
    sender.send(sent)
    visitor.enter()
    visitor.send(f"minha resposta {visitor.name}")
    bubble = visitor.messages().filter(has_text=sent)
    expect(bubble.locator(".attachment-image")).to_have_count(1)
    assert_accessible(page, "chat")

    opener = page.locator(f"#user-{sender.name}")
    opener.click()
    expect(page.locator("#user-modal")).to_be_visible()
    assert_accessible(page, "user pop-up")
    page.keyboard.press("Escape")
    expect(page.locator("#user-modal")).to_have_count(0)
    expect(page.locator(f"#user-{sender.name}")).to_be_focused()

    thumbnail = bubble.locator(".attachment-image")
    thumbnail.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#image-viewer")).to_be_visible()
    assert_accessible(page, "image viewer")
    page.keyboard.press("Escape")
    expect(page.locator("#image-viewer")).to_have_count(0)

    page.locator("#attention-button").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#notification-settings")).to_be_visible()
    assert_accessible(page, "notification settings")
    page.keyboard.press("Escape")
    expect(page.locator("#attention-popover")).to_have_count(0)
    expect(page.locator("#attention-button")).to_be_focused()

    page.locator("#profile-button").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#profile-dialog")).to_be_visible()
    page.set_input_files(
        "#avatar-upload",
        files=[{"name": "eu.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    expect(page.locator("#avatar-preview img")).to_have_count(1)
    assert_accessible(page, "profile")
    page.keyboard.press("Escape")
    expect(page.locator("#profile-dialog")).to_have_count(0)
    expect(page.locator("#profile-button")).to_be_focused()

    mine = visitor.messages().filter(has_text=f"minha resposta {visitor.name}")
    mine.locator("[data-receipt]").click()
    expect(page.locator("#seen-by")).to_be_visible()
    assert_accessible(page, "seen by")
    page.keyboard.press("Escape")
    expect(page.locator("#seen-by")).to_have_count(0)

    page.keyboard.press("Control+k")
    expect(page.locator("#search-input")).to_be_focused()
    assert_accessible(page, "search help")
    page.keyboard.type(f"notas from:@{sender.name}")
    expect(page.locator("[data-search-result]")).to_have_count(1)
    assert_accessible(page, "search results")
    page.keyboard.press("Escape")
    expect(page.locator("#search-dialog")).to_have_count(0)

    page.click("#new-room-button")
    expect(page.locator("#new-room-dialog")).to_be_visible()
    assert_accessible(page, "new room")
    page.fill("#new-room-name", f"Sala axe {visitor.name[-6:]}")
    page.click("#new-room-private")
    page.click("#new-room-submit")
    expect(page.locator("#new-room-dialog")).to_have_count(0)
    expect(page.locator("#room-settings-button")).to_be_visible()
    assert_accessible(page, "a private room")
    page.click("#room-settings-button")
    expect(page.locator("#room-settings #invite-input")).to_be_visible()
    assert_accessible(page, "room settings")
    page.keyboard.press("Escape")
    expect(page.locator("#room-settings")).to_have_count(0)

    page.set_viewport_size({"width": 390, "height": 844})
    page.click("#sidebar-toggle")
    expect(page.locator("#sidebar")).to_be_visible()
    assert_accessible(page, "phone menu")
    page.keyboard.press("Escape")
    expect(page.locator("#sidebar")).to_be_hidden()
    expect(page.locator("#sidebar-toggle")).to_be_focused()
    assert_accessible(page, "phone chat")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_admin_screen_passes_axe(people, single_process, scheme):
    admin = people(
        "admin",
        account=admin_account(single_process[0].url),
        color_scheme=scheme,
    )
    people("pessoa").enter()  # someone to list, with their buttons
    admin.enter()
    admin.open("/admin")
    expect(admin.page.locator("#admin-people tbody tr").first).to_be_visible()
    assert_accessible(admin.page, "admin screen")
