import pytest

from chat_app import chatroom
from chat_app.chatroom import TYPING_TTL_SECONDS, RateLimitedError
from chat_app.domain.messages import BLOCK_SIZE, RING_BLOCKS

NOW = 1_800_000_000.0


def enter(session, tab, username, room="sala-1", now=NOW):
    result = chatroom.enter(
        session, room=room, username=username, tab=tab, sid=f"sid-{tab}", now=now
    )
    session.commit()
    return result


def test_members_are_listed_once_in_order_of_arrival(session):
    assert enter(session, "t1", "joao").newcomer
    assert enter(session, "t2", "pedro", now=NOW + 1).newcomer
    assert not enter(session, "t3", "joao", now=NOW + 2).newcomer
    assert chatroom.members(session, "sala-1") == ["joao", "pedro"]
    assert chatroom.members(session, "sala-2") == []


def test_a_user_leaves_with_their_last_tab(session):
    enter(session, "t1", "joao")
    enter(session, "t2", "joao")
    enter(session, "t3", "pedro")
    first = chatroom.leave(session, tab="t1", now=NOW)
    assert first is not None
    assert (first.members, first.user_left) == (["joao", "pedro"], False)
    second = chatroom.leave(session, tab="t2", now=NOW)
    assert second is not None
    assert (second.room, second.members, second.user_left) == (
        "sala-1",
        ["pedro"],
        True,
    )
    assert chatroom.leave(session, tab="t2", now=NOW) is None


def test_entering_another_room_moves_the_tab(session):
    enter(session, "t1", "joao")
    arrival = enter(session, "t1", "joao", room="sala-2")
    assert arrival.left_rooms == {"sala-1"}
    assert not arrival.moved_tabs
    assert chatroom.members(session, "sala-1") == []
    assert chatroom.members(session, "sala-2") == ["joao"]
    presence = chatroom.presence_of(session, "t1")
    assert presence is not None
    assert presence.room == "sala-2"


def test_typing_starts_stops_and_expires(session):
    enter(session, "t1", "joao")
    enter(session, "t2", "pedro")
    assert chatroom.set_typing(session, tab="t1", typing=True, now=NOW) == ["joao"]
    assert chatroom.set_typing(session, tab="t1", typing=True, now=NOW + 1) is None
    assert chatroom.set_typing(session, tab="t2", typing=True, now=NOW + 2) == [
        "joao",
        "pedro",
    ]
    assert chatroom.set_typing(session, tab="t1", typing=False, now=NOW + 3) == [
        "pedro"
    ]
    assert chatroom.typists(session, "sala-1", now=NOW + 2 + TYPING_TTL_SECONDS) == []
    assert chatroom.set_typing(session, tab="nobody", typing=True, now=NOW) is None


def test_posting_stores_numbers_groups_and_stops_typing(session):
    enter(session, "t1", "joao")
    chatroom.set_typing(session, tab="t1", typing=True, now=NOW)
    first = chatroom.post(session, room="sala-1", author="joao", text="a", now_ms=1000)
    second = chatroom.post(session, room="sala-1", author="joao", text="b", now_ms=2000)
    other_room = chatroom.post(
        session, room="sala-2", author="ana", text="c", now_ms=3000
    )
    assert (first.message.id, second.message.id, other_room.message.id) == (1, 2, 1)
    assert first.typists == []
    assert second.typists is None
    assert not first.message.continues
    assert second.message.continues
    assert second.message.previous_sent_at_ms == 1000
    assert [m.text for m in second.block] == ["a", "b"]
    assert second.slot == 0


def test_a_new_message_carries_only_its_block(session):
    posts = [
        chatroom.post(
            session, room="sala-1", author="ana", text=str(n), now_ms=n, rate_limit=99
        )
        for n in range(BLOCK_SIZE + 2)
    ]
    posted = posts[-1]
    assert posted.slot == 1
    assert [m.id for m in posted.block] == [BLOCK_SIZE + 1, BLOCK_SIZE + 2]


def test_the_view_holds_the_last_ring_of_blocks(session):
    enter(session, "t1", "joao")
    total = BLOCK_SIZE * RING_BLOCKS + 5
    for number in range(1, total + 1):
        chatroom.post(
            session,
            room="sala-1",
            author="ana",
            text=str(number),
            now_ms=number,
            rate_limit=10**6,
        )
    view = chatroom.view(
        session, "sala-1", username="joao", rooms=["sala-1", "sala-2"], now=NOW
    )
    shown = sorted(m.id for block in view.blocks for m in block)
    assert shown[-1] == total
    assert len(shown) == BLOCK_SIZE * (RING_BLOCKS - 1) + 5
    assert view.members == ["joao"]
    assert view.blocks[view.head][-1].id == total


def sweep(session, live_sids, now):
    """One upkeep tick of a process holding ``live_sids``."""
    chatroom.confirm_tabs(session, live_sids=live_sids, now=now)
    session.commit()
    return chatroom.sweep(session, now=now, stale_after=7)


def test_the_sweep_keeps_live_tabs_and_removes_silent_ones(session):
    enter(session, "t1", "joao")
    enter(session, "t2", "pedro")
    enter(session, "t3", "pedro")
    swept = sweep(session, {"sid-t1", "sid-t2"}, now=NOW + 5)
    assert swept.member_rooms == set()
    swept = sweep(session, {"sid-t1"}, now=NOW + 10)
    assert swept.member_rooms == set()  # pedro's t2 was seen at +5, t3 is gone
    assert chatroom.presence_of(session, "t3") is None
    swept = sweep(session, {"sid-t1"}, now=NOW + 13)
    assert swept.member_rooms == {"sala-1"}
    assert chatroom.members(session, "sala-1") == ["joao"]


def test_the_sweep_expires_typing_after_six_seconds(session):
    enter(session, "t1", "joao")
    chatroom.set_typing(session, tab="t1", typing=True, now=NOW)
    swept = sweep(session, {"sid-t1"}, now=NOW + 3)
    assert swept.typists == {}
    swept = sweep(session, {"sid-t1"}, now=NOW + TYPING_TTL_SECONDS)
    assert swept.typists == {"sala-1": []}


def test_more_than_ten_messages_in_ten_seconds_is_refused(session):
    for number in range(10):
        chatroom.post(
            session, room="sala-1", author="ana", text="x", now_ms=number * 100
        )
    with pytest.raises(RateLimitedError, match="Slow down"):
        chatroom.post(session, room="sala-2", author="ana", text="x", now_ms=2000)
    chatroom.post(session, room="sala-1", author="bia", text="x", now_ms=2000)
    chatroom.post(session, room="sala-1", author="ana", text="x", now_ms=10_001)


def test_a_user_is_in_one_room_at_a_time_across_tabs(session):
    enter(session, "t1", "joao")
    enter(session, "t2", "joao")
    enter(session, "t3", "pedro")
    arrival = enter(session, "t2", "joao", room="sala-2")
    assert arrival.moved_tabs
    assert arrival.left_rooms == {"sala-1"}
    assert chatroom.members(session, "sala-1") == ["pedro"]
    assert chatroom.members(session, "sala-2") == ["joao"]
    moved = chatroom.presence_of(session, "t1")
    assert moved is not None
    assert moved.room == "sala-2"


def post_as(session, author, room="sala-1", at=0):
    return chatroom.post(
        session,
        room=room,
        author=author,
        text="x",
        now_ms=at,
        rooms=ROOMS,
        rate_limit=10**6,
    )


ROOMS = ["sala-1", "sala-2"]


def test_a_new_user_starts_with_everything_read(session):
    post_as(session, "ana", "sala-2")
    view = chatroom.view(session, "sala-1", username="novo", rooms=ROOMS, now=NOW)
    assert view.latest == {"sala-1": 0, "sala-2": 1}
    assert view.last_read == {"sala-1": 0, "sala-2": 1}
    assert view.first_unread == 0


def test_unread_counts_and_the_divider_follow_what_the_user_missed(session):
    enter(session, "t1", "joao")
    chatroom.view(session, "sala-1", username="joao", rooms=ROOMS, now=NOW)
    post_as(session, "ana", "sala-1")
    chatroom.leave(session, tab="t1", now=NOW)  # read up to message 1
    for at in range(3):
        post_as(session, "ana", "sala-1", at=at)
    posted = post_as(session, "ana", "sala-2")
    assert posted.latest == {"sala-1": 4, "sala-2": 1}
    view = chatroom.view(session, "sala-2", username="joao", rooms=ROOMS, now=NOW)
    assert view.last_read["sala-1"] == 1
    assert view.latest["sala-1"] == 4
    view = chatroom.view(session, "sala-1", username="joao", rooms=ROOMS, now=NOW)
    assert view.first_unread == 2
    again = chatroom.view(session, "sala-1", username="joao", rooms=ROOMS, now=NOW)
    assert again.first_unread == 0


def test_history_pages_go_back_from_the_window(session):
    for at in range(1, 8):
        post_as(session, "ana", at=at)
    assert [m.id for m in chatroom.history(session, "sala-1", 3, 5)] == [3, 4, 5]
    assert [m.id for m in chatroom.history(session, "sala-1", -10, 2)] == [1, 2]
    assert chatroom.history(session, "sala-1", 1, 0) == []
    page = chatroom.history(session, "sala-1", 4, 6)
    assert page[0].previous_sent_at_ms == 3
