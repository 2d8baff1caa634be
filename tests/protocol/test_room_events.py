"""The minimum level's events, checked on what each socket carries (M1-M10, I3)."""

import uuid

from tests.support.protocol import ReflexClient


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


async def joined(client: ReflexClient, name: str) -> ReflexClient:
    await client.join(name)
    await client.wait_for(lambda: name in client.members())
    return client


async def test_newcomer_receives_the_members_and_the_others_see_them_arrive(connect):
    joao, pedro = unique("joao"), unique("pedro")
    first = await joined(await connect(), joao)
    second = await joined(await connect(), pedro)
    assert joao in second.members()
    await first.wait_for(lambda: pedro in first.members())
    assert second.room_slug() == "sala-1"


async def test_a_message_reaches_every_member_with_its_author(connect):
    ana, bia, caio = unique("ana"), unique("bia"), unique("caio")
    tabs = [await joined(await connect(), name) for name in (ana, bia, caio)]
    text = unique("hello ")
    await tabs[0].send(f"  {text}  ")
    for tab in tabs:
        await tab.wait_for(lambda t=tab: any(m["text"] == text for m in t.messages()))
        message = next(m for m in tab.messages() if m["text"] == text)
        assert message["author"] == ana
        assert message["sent_at_ms"] > 0


async def test_typing_starts_and_stops_for_the_others(connect):
    typist, reader = unique("t"), unique("r")
    writer = await joined(await connect(), typist)
    other = await joined(await connect(), reader)
    await writer.typing("hel")
    await other.wait_for(lambda: typist in other.typists())
    await writer.stop_typing()
    await other.wait_for(lambda: typist not in other.typists())
    await writer.typing("hello")
    await other.wait_for(lambda: typist in other.typists())
    await writer.send("hello")
    await other.wait_for(lambda: typist not in other.typists())


async def test_leaving_removes_the_member_for_the_others(connect):
    stays, goes = unique("s"), unique("g")
    staying = await joined(await connect(), stays)
    going = await joined(await connect(), goes)
    await staying.wait_for(lambda: goes in staying.members())
    await going.leave()
    await staying.wait_for(lambda: goes not in staying.members())
    await going.wait_for(lambda: going.room_slug() == "" and going.members() == [])


async def test_a_client_outside_the_room_is_refused_and_nobody_receives_its_text(
    connect,
):
    member = await joined(await connect(), unique("m"))
    outsider = await connect()
    secret = unique("never-delivered-")
    await outsider.send(secret)
    await outsider.wait_for(lambda: outsider.error() != "")
    assert "not in this room" in outsider.error()

    left = await joined(await connect(), unique("l"))
    await left.leave()
    await left.wait_for(lambda: left.room_slug() == "")
    await left.send(secret)
    await left.wait_for(lambda: left.error() != "")
    await left.typing("x")
    await left.leave()

    probe = unique("after-")
    await member.send(probe)
    await member.wait_for(lambda: any(m["text"] == probe for m in member.messages()))
    assert not member.carried(secret)
    for client in (outsider, left):
        assert client.messages() == []
        assert client.members() == []


async def test_rooms_are_isolated(connect):
    in_one, in_two = unique("one"), unique("two")
    first = await joined(await connect(), in_one)
    second = await joined(await connect(), in_two)
    await second.switch_room("sala-2")
    await second.wait_for(lambda: second.room_slug() == "sala-2")
    await first.wait_for(lambda: in_two not in first.members())
    await second.wait_for(lambda: second.members() == [in_two])
    since_switch = len(second.raw)

    text_one, text_two = unique("one-"), unique("two-")
    await first.typing("typing in one")
    await first.send(text_one)
    await second.send(text_two)
    await first.wait_for(lambda: any(m["text"] == text_one for m in first.messages()))
    await second.wait_for(lambda: any(m["text"] == text_two for m in second.messages()))
    await first.leave()
    await first.wait_for(lambda: first.room_slug() == "")
    assert not first.carried(text_two)
    after_switch = "".join(second.raw[since_switch:])
    assert text_one not in after_switch
    assert in_one not in after_switch


async def test_bad_input_gets_a_clear_error_and_changes_nothing(connect):
    name = unique("n")
    tab = await joined(await connect(), name)
    taken = await connect()
    await taken.join(name.upper())
    await taken.wait_for(lambda: "already in this room" in taken.error())
    assert taken.room_slug() == ""
    assert taken.members() == []

    await tab.send("x" * 4001)
    await tab.wait_for(lambda: "at most 4000" in tab.error())
    assert tab.var(
        "reflex___state____state.chat_app___state____chat_state", "draft"
    ) == ("x" * 4001)
    await tab.switch_room("no-such-room")
    await tab.wait_for(lambda: "does not exist" in tab.error())
    assert tab.room_slug() == "sala-1"

    bad = await connect()
    await bad.join("white space")
    await bad.wait_for(lambda: "only contain" in bad.error())
    await bad.emit(
        "reflex___state____state.chat_app___state____chat_state.join",
        {"form_data": "not a form"},
    )
    await bad.wait_for(lambda: bad.error() == "Choose a username.")


async def test_a_switch_into_a_room_where_the_name_is_taken_stays_put(connect):
    name = unique("dup")
    elsewhere = await joined(await connect(), name)
    await elsewhere.switch_room("sala-3")
    await elsewhere.wait_for(lambda: elsewhere.room_slug() == "sala-3")
    mover = await connect()
    await mover.join(name.upper())
    await mover.wait_for(lambda: name.upper() in mover.members())
    await mover.switch_room("sala-3")
    await mover.wait_for(lambda: "already in this room" in mover.error())
    assert mover.room_slug() == "sala-1"
    assert name.upper() in mover.members()


async def test_blank_messages_are_not_sent(connect):
    tab = await joined(await connect(), unique("b"))
    other = await joined(await connect(), unique("o"))
    await tab.send(" \n\t ")
    probe = unique("probe-")
    await tab.send(probe)
    await other.wait_for(lambda: any(m["text"] == probe for m in other.messages()))
    assert not any(m["text"].strip() == "" for m in other.messages())
    assert tab.error() == ""
