"""Rooms' addresses over the real socket: an address is a wish the server checks.

A tab opening ``/`` goes to its user's room; an address of no room, or of a
message the room does not have, says so and changes nothing else; a tab whose
user went elsewhere is sent to that room's address.
"""

from chat_app.states.room_addresses import AddressState
from harness.protocol import ChatClient
from tests.support.accounts import Account

ADDRESSES = AddressState.get_full_name()


async def test_a_new_tab_goes_to_the_users_room_and_leaves_the_others_there(
    connect, account, chat_server
):
    ana: Account = account("addr")
    first = await connect(ana)
    await first.enter_room("sala-2")
    await first.wait_for(lambda: first.room_slug() == "sala-2")
    second = await connect(ana)
    assert second.room_slug() == "sala-2"
    assert second.path == "/rooms/sala-2"
    assert first.room_slug() == "sala-2"


async def test_opening_an_address_moves_the_users_other_tabs_to_it(connect, account):
    ana = account("addr")
    first = await connect(ana)
    second = await connect(ana)
    await second.navigate("/rooms/sala-3")
    await second.wait_for(lambda: second.room_slug() == "sala-3")
    # The first tab is asked to show its room again (a browser runs the event
    # it is sent), is sent to the room's address, and follows it.
    await first.wait_for(lambda: any(n.endswith(".open_chat") for n in first.asked))
    await first.open_chat()
    await first.wait_for(lambda: first.path == "/rooms/sala-3")
    await first.wait_for(lambda: first.room_slug() == "sala-3")


async def test_an_address_of_no_room_says_so_and_goes_to_the_users_room(
    connect, account
):
    tab = await connect(account("addr"))
    for path in ("/rooms/nao-existe", "/rooms/sala-1%00", "/rooms/../admin"):
        await tab.navigate(path)
        await tab.wait_for(lambda: tab.path == "/rooms/sala-1")
        await tab.wait_for(lambda: tab.error() == "There is no room at that address.")
        assert tab.room_slug() == "sala-1"


async def test_a_link_to_a_message_the_room_lacks_opens_the_room_and_says_so(
    connect, account
):
    tab = await connect(account("addr"))
    await tab.navigate("/rooms/sala-2/999999999")
    await tab.wait_for(lambda: tab.room_slug() == "sala-2")
    await tab.wait_for(lambda: tab.error() == "That message is not in this room.")


async def test_a_link_to_a_message_brings_it_into_the_tab(connect, account):
    writer = await connect(account("addr"))
    await writer.send("uma mensagem com endereço")
    await writer.wait_for(lambda: bool(writer.messages()))
    number = writer.messages()[-1]["id"]
    reader = await connect(account("addr"))
    await reader.navigate(f"/rooms/sala-1/{number}")
    await reader.wait_for(lambda: "chatShowMessage" in " ".join(reader.raw[-3:]))
    assert any(m["id"] == number for m in reader.history())
    assert reader.error() == ""


async def test_the_address_handler_takes_no_arguments(connect, account):
    tab = await connect(account("addr"))
    await tab.emit(f"{ADDRESSES}.open_address", {"room": "sala-3", "number": 1})
    await tab.wait_for(lambda: tab.error() == "That request was not understood.")
    assert tab.room_slug() == "sala-1"


async def test_without_a_session_an_address_goes_to_log_in(chat_server):
    tab = ChatClient(chat_server.url, "")
    tab.path = "/rooms/sala-2/1"
    try:
        await tab.connect()
        # The login page keeps the address, which opens after logging in.
        kept = "/login?next=%2Frooms%2Fsala-2%2F1"
        await tab.wait_for(lambda: kept in tab.redirected_to())
        assert tab.room_slug() == ""
        assert not tab.messages()
    finally:
        await tab.close()


async def test_a_tab_back_on_an_old_address_follows_the_user_and_moves_no_one(
    connect, account
):
    """A reconnect (or reload) repeats the tab's address: it is no wish to move."""
    ana = account("addr")
    away = await connect(ana)  # at /rooms/sala-1
    here = await connect(ana)
    await here.navigate("/rooms/sala-2")
    await here.wait_for(lambda: here.room_slug() == "sala-2")
    # The first tab missed being told (its socket was down); its page loads
    # again on the address it had.
    await away.navigate(away.path)
    await away.wait_for(lambda: away.path == "/rooms/sala-2")
    await away.wait_for(lambda: away.room_slug() == "sala-2")
    assert here.room_slug() == "sala-2"
    assert away.error() == ""
