"""Rooms like a real chat, in the browser: presence, tabs, reconnection, limits."""

import uuid

from playwright.sync_api import expect

from harness.protocol import ChatClient
from harness.servers import (
    ChatServer,
    restart_chat,
    start_chat,
    start_redis,
    wait_until,
)
from tests.browser.conftest import User
from tests.support.accounts import create_account
from tests.support.threads import run_async


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
    expect(sender.page.locator("#error-message")).to_contain_text("Calma")
    expect(box).to_have_value("rapida 10")


def test_unread_counts_and_the_new_messages_divider(people):
    reader = people("leitor").enter()
    writer = people("escreve").enter()
    writer.page.click("#room-sala-2")
    expect(writer.page.locator("#room-title")).to_have_text("Sala 2")
    for number in range(3):
        writer.send(f"na sala 2, {number}")
    expect(reader.page.locator("#unread-sala-2")).to_have_text("3")
    expect(reader.page.locator("#unread-sala-1")).to_have_count(0)
    reader.page.click("#room-sala-2")
    expect(reader.page.locator("#room-title")).to_have_text("Sala 2")
    divider = reader.page.locator("#new-messages-divider")
    expect(divider).to_have_count(1)
    first_unread = reader.messages().filter(has_text="na sala 2, 0")
    assert divider.evaluate("d => d.getBoundingClientRect().top") < (
        first_unread.evaluate("m => m.getBoundingClientRect().top")
    )
    expect(reader.page.locator("#unread-sala-2")).to_have_count(0)
    expect(reader.page.locator("#date-separator").first).to_have_text("Hoje")
    # Read while present, so not unread after leaving; new ones are counted.
    writer.send("lida na sala")
    expect(reader.messages().filter(has_text="lida na sala")).to_have_count(1)
    reader.page.click("#leave-button")
    expect(reader.page.locator("#join-button")).to_be_visible()
    expect(reader.page.locator("#unread-sala-2")).to_have_count(0)
    writer.send("depois de sair")
    expect(reader.page.locator("#unread-sala-2")).to_have_text("1")


async def fill_room(url: str, room: str, prefix: str, count: int) -> None:
    """Post ``count`` messages ``<prefix> 000``... into a room, in the room's order.

    Ten people per hundred messages keep within the rate limit; each message is
    posted once the previous one arrived, so the numbers follow the room's order.
    """
    tabs = []
    for number in range((count + 9) // 10):
        account = create_account(url, f"f{number}")
        tab = await ChatClient(url, account.token).connect()
        await tab.enter_room(room)
        await tab.wait_for(lambda t=tab: t.room_slug() == room)
        tabs.append(tab)
    for number in range(count):
        text = f"{prefix} {number:03d}"
        await tabs[number % len(tabs)].send(text)
        await tabs[0].wait_for(
            lambda t=text: any(m["text"] == t for m in tabs[0].messages())
        )
    for tab in tabs:
        await tab.leave_room()
        await tab.close()


async def post_and_number(tab: ChatClient, text: str) -> int:
    """Send a message from a protocol tab; its number once the room has it."""
    await tab.send(text)
    await tab.wait_for(lambda: any(m["text"] == text for m in tab.messages()))
    return next(m["id"] for m in tab.messages() if m["text"] == text)


def test_older_history_loads_above_keeping_the_reader_in_place(people):
    reader = people("historiador")
    url = reader.server.url
    tag = uuid.uuid4().hex[:4]

    run_async(fill_room(url, "sala-3", f"historia {tag}", 140))
    reader.enter()
    reader.page.click("#room-sala-3")
    expect(reader.page.locator("#room-title")).to_have_text("Sala 3")
    newest = reader.messages().filter(has_text=f"historia {tag} 139")
    expect(newest).to_have_count(1)
    expect(reader.messages().filter(has_text=f"historia {tag} 000")).to_have_count(0)
    load = reader.page.locator("#load-older")
    expect(load).to_have_count(1)
    anchor = reader.messages().filter(has_text=f"historia {tag} 016")
    expect(anchor).to_have_count(1)
    # Scrolling to the very top loads the previous page by itself.
    reader.page.locator("#message-list").evaluate(
        "list => list.scrollTo({top: -list.scrollHeight})"
    )
    oldest = reader.messages().filter(has_text=f"historia {tag} 000")
    expect(oldest).to_have_count(1)
    # The page went in above: the reader still sees where they were.
    expect(anchor).to_be_in_viewport()
    expect(oldest).not_to_be_in_viewport()
    expect(load).to_have_count(0)


def test_a_tab_left_open_while_150_messages_arrive_can_still_read_them_all(people):
    reader = people("vigia")
    url = reader.server.url
    tag = uuid.uuid4().hex[:4]
    reader.enter()
    reader.page.click("#room-sala-2")
    expect(reader.page.locator("#room-title")).to_have_text("Sala 2")

    run_async(fill_room(url, "sala-2", f"vigilia {tag}", 150))
    expect(reader.messages().filter(has_text=f"vigilia {tag} 149")).to_have_count(1)
    # The live window let the first ones go; scrolling up brings them back.
    first = reader.messages().filter(has_text=f"vigilia {tag} 000")
    expect(first).to_have_count(0)
    scroller = reader.page.locator("#message-list")

    def scrolled_back_to_the_first() -> bool:
        # At the very top the next page loads by itself. (On a busy machine the
        # tab may reconnect meanwhile: it starts again from the latest, and
        # scrolling up goes on bringing pages back.)
        scroller.evaluate("list => list.scrollTo({top: -list.scrollHeight})")
        return first.count() > 0

    wait_until(scrolled_back_to_the_first, 90, "the first message, scrolling up")
    # In the order they are laid out on screen (blocks are placed by CSS order).
    texts = reader.messages().evaluate_all(
        """bubbles => bubbles
            .map(b => [b.getBoundingClientRect().top, b.innerText])
            .sort((a, b) => a[0] - b[0])
            .map(pair => pair[1])"""
    )
    marker = f"vigilia {tag} "
    numbers = [int(text.split(marker)[1][:3]) for text in texts if marker in text]
    assert numbers == list(range(150))


def test_scrolled_up_the_reader_gets_a_jump_to_latest_button(people):
    writers = [people("conta").enter(), people("conta2").enter()]
    reader = people("rola", viewport={"width": 900, "height": 500}).enter()
    for number in range(12):
        writers[number % 2].send(f"enchendo {number} " + "texto " * 10)
    expect(reader.messages().filter(has_text="enchendo 11 ")).to_be_in_viewport()
    jump = reader.page.locator("#jump-to-latest")
    expect(jump).not_to_be_visible()
    reader.page.locator("#message-list").evaluate("list => list.scrollTo({top: -600})")
    writers[0].send("chegou enquanto lia 1")
    writers[1].send("chegou enquanto lia 2")
    expect(jump).to_be_visible()
    expect(reader.page.locator("#jump-count")).to_have_text("2")
    expect(
        reader.messages().filter(has_text="chegou enquanto lia 2")
    ).not_to_be_in_viewport()
    jump.click()
    expect(
        reader.messages().filter(has_text="chegou enquanto lia 2")
    ).to_be_in_viewport()
    expect(jump).not_to_be_visible()


def test_a_message_over_the_limit_is_flagged_before_sending(people):
    user = people("longo").enter()
    user.page.fill("#composer-input", "x" * 4001)
    expect(user.page.locator("#char-count")).to_contain_text("4001 / 4000")
    expect(user.page.locator("#send-button")).to_be_disabled()
    user.page.locator("#composer-input").press("Enter")
    expect(user.page.locator("#error-message")).to_contain_text("no máximo 4000")
    expect(user.page.locator("#composer-input")).to_have_value("x" * 4001)


def two_in_a_room(browser, server: ChatServer, users: list[User], *prefixes: str):
    """Two people, each in a browser context of their own, in Sala 1 of a server.

    They are appended to ``users`` as they are made, so the caller closes them.
    """
    for prefix in prefixes:
        context = browser.new_context()
        account = create_account(server.url, prefix)
        users.append(User(account=account, page=context.new_page(), server=server))
    return [user.enter() for user in users]


def assert_all_show(users: list[User], *texts: str) -> None:
    """Every user's page shows each text exactly once."""
    for user in users:
        for text in texts:
            expect(user.messages().filter(has_text=text)).to_have_count(
                1, timeout=30_000
            )


def test_a_server_restart_mid_conversation_loses_and_doubles_nothing(browser):
    server = start_chat("browser-restart")
    users: list[User] = []
    try:
        first, second = two_in_a_room(browser, server, users, "antes", "depois")
        first.send("antes do reinício")
        second.send("resposta antes")
        server = restart_chat(server)
        for user in users:
            user.server = server
        after = "depois do reinício"
        # The pages reconnect by themselves and re-enter their room.
        expect(second.page.locator(f"#user-{first.name}")).to_be_visible(timeout=60_000)
        expect(first.page.locator("#composer-input")).to_be_visible(timeout=60_000)
        first.send(after)
        assert_all_show(users, "antes do reinício", "resposta antes", after)
    finally:
        for user in users:
            user.page.context.close()
        server.process.stop()


def test_open_pages_carry_on_after_redis_comes_back_empty(browser):
    """Redis restarts and forgets every tab's state; the pages recover by themselves.

    Once the server's relay reaches Redis again it has every tab show its room
    again; a tab whose state is gone goes through hydration and is back in its
    room, logged in, without anyone touching it.
    """
    redis, redis_url = start_redis("browser-redis-loss")
    port = int(redis_url.rsplit(":", 1)[1].split("/")[0])
    server = start_chat("browser-redis-loss", env={"REFLEX_REDIS_URL": redis_url})
    users: list[User] = []
    try:
        first, _second = two_in_a_room(browser, server, users, "ida", "volta")
        first.send("antes da queda")
        redis.stop()
        server.process.mark_log()
        redis, _ = start_redis("browser-redis-loss", port)

        def both_back() -> bool:
            log = server.process.new_log()
            return all(f"Entered a room. username={user.name}" in log for user in users)

        wait_until(both_back, 30, "both pages back in their room")
        after = "depois da queda"
        first.send(after)
        for user in users:
            user.wait_in_room()
        assert_all_show(users, "antes da queda", after)
    finally:
        for user in users:
            user.page.context.close()
        server.process.stop()
        redis.stop()
