"""Read receipts between three people: ✓ when stored, ✓✓ once seen, "seen by".

Each scenario runs on one process and on three workers with Redis and
PostgreSQL (the ``people`` fixture).
"""

import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import User


def go_to(user: User, slug: str, name: str) -> None:
    user.page.click(f"#room-{slug}")
    expect(user.page.locator("#room-title")).to_have_text(name)


def test_the_author_sees_who_saw_their_message_live(people):
    ana = people("ana").enter()
    bia = people("bia").enter()
    caio = people("caio").enter()
    # The readers look at another room while Ana writes.
    go_to(bia, "sala-2", "Sala 2")
    go_to(caio, "sala-2", "Sala 2")
    text = f"alguém leu? {uuid.uuid4().hex[:6]}"
    ana.send(text)
    mine = ana.messages().filter(has_text=text)
    receipt = mine.locator("[data-receipt]")
    expect(receipt).to_have_attribute("data-receipt", "sent")
    expect(receipt).to_have_attribute("aria-label", "Enviada")
    expect(receipt).to_have_text("✓")

    # Bia comes back to Sala 1 and reads it: Ana's ✓ becomes ✓✓.
    go_to(bia, "sala-1", "Sala 1")
    expect(bia.messages().filter(has_text=text)).to_have_count(1)
    expect(
        bia.messages().filter(has_text=text).locator("[data-receipt]")
    ).to_have_count(0)
    expect(receipt).to_have_attribute("data-receipt", "seen")
    expect(receipt).to_have_attribute("aria-label", "Vista")
    expect(receipt).to_have_text("✓✓")

    # Who saw it, with when; kept live while open.
    receipt.click()
    seen_by = ana.page.locator("#seen-by")
    expect(seen_by).to_be_visible()
    expect(seen_by).to_contain_text("Visto por")
    readers = seen_by.locator(".seen-reader")
    expect(readers).to_have_count(1)
    expect(readers.first).to_have_attribute("data-reader", bia.name)
    expect(readers.first.locator("time")).to_have_text(re.compile(r"^\d{2}:\d{2}$"))
    go_to(caio, "sala-1", "Sala 1")
    expect(readers).to_have_count(2)
    expect(readers.nth(1)).to_have_attribute("data-reader", caio.name)
    ana.page.keyboard.press("Escape")
    expect(seen_by).to_have_count(0)

    # Bia and Caio stay in the room, at the bottom: what Ana sends next is
    # read as it arrives (reading.js said so once).
    later = f"e agora? {uuid.uuid4().hex[:6]}"
    ana.send(later)
    expect(bia.messages().filter(has_text=later)).to_have_count(1)
    next_receipt = ana.messages().filter(has_text=later).locator("[data-receipt]")
    expect(next_receipt).to_have_attribute("data-receipt", "seen")
    next_receipt.click()
    expect(seen_by.locator(".seen-reader")).to_have_count(2)
    ana.page.keyboard.press("Escape")


def test_a_message_nobody_saw_says_so(people):
    ana = people("ana").enter()
    text = f"sozinha {uuid.uuid4().hex[:6]}"
    ana.send(text)
    receipt = ana.messages().filter(has_text=text).locator("[data-receipt]")
    expect(receipt).to_have_attribute("data-receipt", "sent")
    receipt.click()
    expect(ana.page.locator("#seen-by")).to_contain_text("Ninguém viu ainda")
