"""Rooms like a real chat, in the browser: presence, tabs, reconnection, limits."""

import uuid

from playwright.sync_api import expect


def test_a_users_other_tab_follows_to_the_new_room(people):
    user = people("abas").enter()
    watcher = people("ve").enter()
    second = user.page.context.new_page()
    second.goto(user.url("/"))
    expect(second.locator("#room-title")).to_have_text("Sala 1")
    user.page.click("#room-sala-2")
    expect(user.page.locator("#room-title")).to_have_text("Sala 2")
    expect(second.locator("#room-title")).to_have_text("Sala 2")
    expect(second.locator("#room-sala-2")).to_have_attribute("data-active", "true")
    expect(watcher.page.locator(f"#user-{user.name}")).to_have_count(0)
    second.close()


def test_a_closed_tab_leaves_the_others_lists_within_15_seconds(people):
    watcher = people("fica").enter()
    leaving = people("fecha").enter()
    expect(watcher.page.locator(f"#user-{leaving.name}")).to_be_visible()
    leaving.page.context.close()
    expect(watcher.page.locator(f"#user-{leaving.name}")).to_have_count(
        0, timeout=15_000
    )


def test_offline_then_online_catches_up_without_gaps_or_doubles(people):
    away = people("longe").enter()
    talker = people("fala").enter()
    away.page.context.set_offline(True)
    texts = [f"enquanto offline {n} {uuid.uuid4().hex[:4]}" for n in range(3)]
    for text in texts:
        talker.send(text)
    away.page.context.set_offline(False)
    for text in texts:
        expect(away.messages().filter(has_text=text)).to_have_count(1, timeout=30_000)
    after = f"depois {uuid.uuid4().hex[:4]}"
    talker.send(after)
    expect(away.messages().filter(has_text=after)).to_have_count(1)
    expect(talker.page.locator(f"#user-{away.name}")).to_be_visible()


def test_sending_too_fast_is_told_to_slow_down(people):
    sender = people("pressa").enter()
    box = sender.page.locator("#composer-input")
    for number in range(11):
        box.fill(f"rapida {number}")
        box.press("Enter")
        if number < 10:
            expect(box).to_have_value("")
    expect(sender.page.locator("#error-message")).to_contain_text("Slow down")
    expect(box).to_have_value("rapida 10")
