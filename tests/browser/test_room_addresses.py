"""Rooms have addresses: Back and Forward, new tabs, message links; and one's own
message is always shown; on a phone the menu button says another room has news."""

import re
import uuid

from playwright.sync_api import expect

from harness.protocol import ChatClient
from tests.browser.conftest import User
from tests.browser.test_layout import PHONE
from tests.browser.test_rooms import fill_room, post_and_number
from tests.support.accounts import create_account
from tests.support.threads import run_async


def address(user: User, path: str) -> re.Pattern:
    return re.compile(re.escape(user.url(path)) + "$")


def test_rooms_have_addresses_and_back_and_forward_move_between_them(people):
    user = people("endereco").enter()
    expect(user.page).to_have_url(address(user, "/rooms/sala-1"))
    user.page.click("#room-sala-2")
    user.wait_in_room("Sala 2")
    expect(user.page).to_have_url(address(user, "/rooms/sala-2"))
    user.page.go_back()
    user.wait_in_room("Sala 1")
    expect(user.page.locator("#room-sala-1")).to_have_attribute("data-active", "true")
    user.page.go_forward()
    user.wait_in_room("Sala 2")
    # Opened in a new tab, the address enters its room; this tab follows.
    other = user.page.context.new_page()
    other.goto(user.url("/rooms/sala-3"))
    expect(other.locator("#room-title")).to_have_text("Sala 3")
    user.wait_in_room("Sala 3")
    expect(user.page).to_have_url(address(user, "/rooms/sala-3"))
    other.close()


def test_a_new_tab_opens_in_the_room_the_user_is_in(people):
    user = people("segunda").enter()
    user.page.click("#room-sala-2")
    user.wait_in_room("Sala 2")
    second = user.page.context.new_page()
    second.goto(user.url("/"))
    expect(second.locator("#room-title")).to_have_text("Sala 2")
    expect(second).to_have_url(address(user, "/rooms/sala-2"))
    # The first tab kept its place.
    expect(user.page.locator("#room-title")).to_have_text("Sala 2")
    second.close()


def test_an_unknown_rooms_address_says_so_and_opens_a_room(people):
    user = people("perdido").enter()
    user.page.goto(user.url("/rooms/nao-existe"))
    user.wait_in_room("Sala 1")
    expect(user.page.locator("#error-message")).to_contain_text(
        "Não há sala nesse endereço"
    )
    expect(user.page).to_have_url(address(user, "/rooms/sala-1"))


def test_a_message_link_opens_its_room_at_the_message_highlighted(people):
    reader = people("link")
    url = reader.server.url
    tag = uuid.uuid4().hex[:4]
    linked = f"mensagem com endereço {tag}"

    async def post_and_bury() -> int:
        author = create_account(url, "autor")
        tab = await ChatClient(url, author.token).connect()
        await tab.wait_for(lambda: tab.room_slug() == "sala-1")
        number = await post_and_number(tab, linked)
        # Sala 1, the busy room: Sala 2 and 3 keep little history (test_rooms).
        await fill_room(url, "sala-1", f"depois do link {tag}", 135)
        await tab.leave_room()
        await tab.close()
        return number

    number = run_async(post_and_bury())
    assert isinstance(number, int)
    # A fresh browser, logged in, opening the link it was sent.
    reader.open("/login")
    reader.page.evaluate(
        f"localStorage.setItem('chat_session', '{reader.account.token}')"
    )
    reader.page.goto(reader.url(f"/rooms/sala-1/{number}"))
    reader.wait_in_room("Sala 1")
    message = reader.page.locator(f"#message-list .message[data-id='{number}']")
    expect(message).to_have_attribute("data-highlighted", "true")
    expect(message).to_contain_text(linked)
    expect(message).to_be_in_viewport()
    # What came after it is loaded too.
    after = reader.page.locator(f"#message-list .message[data-id='{number + 1}']")
    expect(after).to_have_count(1)


def test_sending_shows_ones_own_message_wherever_one_was(people):
    user = people("rolagem")
    tag = uuid.uuid4().hex[:4]
    run_async(fill_room(user.server.url, "sala-1", f"enchendo {tag}", 30))
    user.enter()
    listing = user.page.locator("#message-list")
    expect(user.messages().filter(has_text=f"enchendo {tag} 029")).to_be_visible()
    # Scrolled far up (the list is laid out bottom-up: up is negative).
    listing.evaluate("list => list.scrollTo({top: -list.scrollHeight})")
    expect(
        user.messages().filter(has_text=f"enchendo {tag} 029")
    ).not_to_be_in_viewport()
    own = f"a minha mensagem {tag}"
    user.send(own)
    expect(user.messages().filter(has_text=own)).to_be_in_viewport()


def test_on_a_phone_the_menu_button_marks_news_in_another_room(people):
    user = people("celular", viewport=PHONE).enter()
    dot = user.page.locator("#menu-unread-dot")
    expect(dot).to_have_count(0)

    async def post_in_sala_2() -> None:
        poster = create_account(user.server.url, "noticia")
        tab = await ChatClient(user.server.url, poster.token).connect()
        await tab.enter_room("sala-2")
        await tab.wait_for(lambda: tab.room_slug() == "sala-2")
        await post_and_number(tab, f"novidade {uuid.uuid4().hex[:4]}")
        await tab.leave_room()
        await tab.close()

    run_async(post_in_sala_2())
    expect(dot).to_be_visible(timeout=20_000)
    expect(user.page.locator("#sidebar-toggle")).to_have_attribute(
        "aria-label", re.compile("outras salas")
    )
    # The header says how many are here, like WhatsApp's.
    expect(user.page.locator("#room-status")).to_be_visible()
    user.page.click("#sidebar-toggle")
    user.page.click("#room-sala-2")
    user.wait_in_room("Sala 2")
    expect(dot).to_have_count(0)


def test_a_message_link_opened_logged_out_opens_after_logging_in(people):
    reader = people("semsessao")
    url = reader.server.url
    text = f"link antes do login {uuid.uuid4().hex[:4]}"

    async def post() -> int:
        author = create_account(url, "autor")
        tab = await ChatClient(url, author.token).connect()
        number = await post_and_number(tab, text)
        await tab.leave_room()
        await tab.close()
        return number

    number = run_async(post())
    reader.page.goto(reader.url(f"/rooms/sala-1/{number}"))
    expect(reader.page.locator("#login-submit")).to_be_visible()
    reader.page.fill("#login-login", reader.name)
    reader.page.fill("#login-password", reader.account.password)
    reader.page.click("#login-submit")
    reader.wait_in_room("Sala 1")
    expect(reader.page).to_have_url(address(reader, f"/rooms/sala-1/{number}"))
    message = reader.page.locator(f"#message-list .message[data-id='{number}']")
    expect(message).to_have_attribute("data-highlighted", "true")
    expect(message).to_contain_text(text)
