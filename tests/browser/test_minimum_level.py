"""The whole minimum level in real browsers (M1-M16), plus room switching (I5)."""

import re
import uuid

from playwright.sync_api import expect

from harness.protocol import ChatClient
from tests.support.accounts import create_account
from tests.support.threads import run_async


def test_people_entering_see_who_is_there_and_are_seen_arriving(people):
    joao = people("joao").enter()
    pedro = people("pedro").enter()
    expect(pedro.page.locator(f"#user-{joao.name}")).to_be_visible()
    expect(joao.page.locator(f"#user-{pedro.name}")).to_be_visible()
    maria = people("maria").enter()
    for user in (joao, pedro, maria):
        for other in (joao, pedro, maria):
            expect(user.page.locator(f"#user-{other.name}")).to_be_visible()
    expect(maria.page.locator("#room-sala-1")).to_have_attribute("data-active", "true")
    expect(maria.page.locator("#room-sala-2")).to_have_attribute("data-active", "false")


def test_a_message_shows_on_every_screen_own_for_the_sender(people):
    ana, bia, caio = (people(n).enter() for n in ("ana", "bia", "caio"))
    text = f"Olá a todos {uuid.uuid4().hex[:6]}"
    ana.send(text)
    for user in (ana, bia, caio):
        bubble = user.messages().filter(has_text=text)
        expect(bubble).to_have_count(1)
        expect(bubble).to_have_attribute("data-author", ana.name)
        own = "true" if user is ana else "false"
        expect(bubble).to_have_attribute("data-own", own)
        expect(bubble).to_contain_text(re.compile(r"\d{1,2}:\d{2}"))
    expect(bia.messages().filter(has_text=text)).to_contain_text(ana.name)


def test_typing_is_shown_to_the_others_and_cleared_when_it_stops(people):
    joao, pedro, maria = (people(n).enter() for n in ("joao", "pedro", "maria"))
    joao.page.fill("#composer-input", "Oi")
    expect(pedro.page.locator("#typing-indicator")).to_have_text(
        f"{joao.name} está digitando…"
    )
    expect(joao.page.locator("#typing-indicator")).to_have_text("")
    pedro.page.fill("#composer-input", "Tudo")
    expect(maria.page.locator("#typing-indicator")).to_have_text(
        f"{joao.name} e {pedro.name} estão digitando…"
    )
    joao.page.click("#send-button")
    expect(maria.page.locator("#typing-indicator")).to_have_text(
        f"{pedro.name} está digitando…"
    )
    # Three seconds without a key, the browser reports the stop by itself.
    expect(maria.page.locator("#typing-indicator")).to_have_text("", timeout=10_000)


def test_leaving_removes_the_user_from_the_others_lists(people):
    stays = people("fica").enter()
    goes = people("sai").enter()
    expect(stays.page.locator(f"#user-{goes.name}")).to_be_visible()
    goes.page.click("#leave-button")
    expect(goes.page.locator("#join-button")).to_be_visible()
    expect(goes.page.locator("#message-list")).to_have_count(0)
    expect(stays.page.locator(f"#user-{goes.name}")).to_have_count(0)
    goes.page.click("#join-button")
    goes.wait_in_room()
    expect(stays.page.locator(f"#user-{goes.name}")).to_be_visible()


def test_a_client_that_left_is_refused_and_nobody_receives_its_text(people):
    joao = people("joao").enter()
    pedro = people("pedro").enter()
    secret = f"segredo-{uuid.uuid4().hex[:6]}"

    async def leave_then_send(url: str) -> str:
        account = create_account(url, "sai")
        client = await ChatClient(url, account.token).connect()
        await client.wait_for(lambda: client.room_slug() == "sala-1")
        await client.leave_room()
        await client.wait_for(lambda: client.room_slug() == "")
        await client.send(secret)
        await client.wait_for(lambda: client.error() != "")
        await client.close()
        return client.error()

    error = run_async(leave_then_send(pedro.server.url))
    assert isinstance(error, str)
    assert "não está mais nesta sala" in error  # the account is in Portuguese
    probe = f"depois-{uuid.uuid4().hex[:6]}"
    joao.send(probe)
    for user in (joao, pedro):
        expect(user.messages().filter(has_text=probe)).to_have_count(1)
        expect(user.messages().filter(has_text=secret)).to_have_count(0)


def test_the_list_follows_new_messages_to_the_bottom(people):
    writers = [people("autor").enter(), people("autora").enter()]
    reader = people("leitor", viewport={"width": 900, "height": 500}).enter()
    # Two writers, so nobody hits the 10-messages-in-10-seconds limit.
    for number in range(15):
        writers[number % 2].send(f"linha {number} " + "texto " * 12)
    last = reader.messages().filter(has_text="linha 14 ")
    expect(last).to_be_in_viewport()
    expect(reader.messages().filter(has_text="linha 0 ")).not_to_be_in_viewport()


def test_switching_rooms_moves_the_user_and_isolates_the_rooms(people):
    mover = people("muda").enter()
    stays = people("fica").enter()
    mover.page.click("#room-sala-2")
    expect(mover.page.locator("#room-sala-2")).to_have_attribute("data-active", "true")
    expect(mover.page.locator("#room-title")).to_have_text("Sala 2")
    expect(stays.page.locator(f"#user-{mover.name}")).to_have_count(0)
    expect(mover.page.locator(f"#user-{stays.name}")).to_have_count(0)
    text = f"só na sala 1 {uuid.uuid4().hex[:6]}"
    stays.send(text)
    expect(stays.messages().filter(has_text=text)).to_have_count(1)
    expect(mover.messages().filter(has_text=text)).to_have_count(0)


def test_a_phone_sized_screen_folds_the_sidebar_behind_a_button(people):
    phone = people("fone", viewport={"width": 390, "height": 780}).enter()
    expect(phone.page.locator("#users-list")).not_to_be_visible()
    phone.page.click("#sidebar-toggle")
    drawer = phone.page.locator("#sidebar")
    expect(drawer.locator(f"#user-{phone.name}")).to_be_visible()
    drawer.locator("#room-sala-3").click()
    expect(phone.page.locator("#room-title")).to_have_text("Sala 3")
    expect(drawer).not_to_be_visible()


def test_the_theme_switches_between_light_and_dark(people):
    user = people("tema", color_scheme="light").enter()
    html = user.page.locator("html")
    expect(html).not_to_have_class(re.compile(r"\bdark\b"))
    user.page.click("#theme-toggle")
    expect(html).to_have_class(re.compile(r"\bdark\b"))


def test_the_phone_drawer_closes_without_changing_room(people):
    phone = people("gaveta", viewport={"width": 390, "height": 780}).enter()
    phone.page.click("#sidebar-toggle")
    expect(phone.page.locator("#sidebar")).to_be_visible()
    phone.page.click("#sidebar-close")
    expect(phone.page.locator("#sidebar")).not_to_be_visible()
    expect(phone.page.locator("#room-title")).to_have_text("Sala 1")


def test_enter_sends_and_shift_enter_starts_a_new_line(people):
    writer = people("enter").enter()
    reader = people("le").enter()
    box = writer.page.locator("#composer-input")
    box.click()
    box.press("Enter")
    first = f"primeira-{uuid.uuid4().hex[:6]}"
    box.type(first)
    box.press("Shift+Enter")
    box.type("segunda")
    expect(box).to_have_value(f"{first}\nsegunda")
    box.press("Enter")
    expect(box).to_have_value("")
    bubble = reader.messages().filter(has_text=first)
    expect(bubble).to_have_count(1)
    # Two lines of one paragraph: a line break between them.
    expect(bubble.locator(".message-text p")).to_have_count(1)
    expect(bubble.locator(".message-text br")).to_have_count(1)
    expect(bubble.locator(".message-text")).to_have_text(f"{first}segunda")
    by_writer = reader.page.locator(f'#message-list [data-author="{writer.name}"]')
    expect(by_writer).to_have_count(1)
