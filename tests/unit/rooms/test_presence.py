import pytest

from chat_app.rooms import presence
from tests.unit.rooms.steps import NOW, TTL, enter, set_typing


def test_members_are_listed_once_in_order_of_arrival(session):
    assert enter(session, "t1", "joao").newcomer
    assert enter(session, "t2", "pedro", now=NOW + 1).newcomer
    assert not enter(session, "t3", "joao", now=NOW + 2).newcomer
    assert presence.members(session, "sala-1") == ["joao", "pedro"]
    assert presence.members(session, "sala-2") == []


def test_a_user_leaves_with_their_last_tab(session):
    enter(session, "t1", "joao")
    enter(session, "t2", "joao")
    enter(session, "t3", "pedro")
    first = presence.leave(session, tab="t1", now=NOW)
    assert first is not None
    assert first.user_left is False
    assert presence.members(session, "sala-1") == ["joao", "pedro"]
    second = presence.leave(session, tab="t2", now=NOW)
    assert second is not None
    assert (second.room, second.username, second.user_left) == (
        "sala-1",
        "joao",
        True,
    )
    assert presence.members(session, "sala-1") == ["pedro"]
    assert presence.leave(session, tab="t2", now=NOW) is None


def test_entering_another_room_moves_the_tab(session):
    enter(session, "t1", "joao")
    arrival = enter(session, "t1", "joao", room="sala-2")
    assert arrival.left_rooms == {"sala-1"}
    assert arrival.moved_sids == []
    assert presence.members(session, "sala-1") == []
    assert presence.members(session, "sala-2") == ["joao"]
    tab = presence.presence_of(session, "t1")
    assert tab is not None
    assert tab.room == "sala-2"


def typists(session, at):
    return presence.typists(session, "sala-1", now=at, ttl=TTL)


def test_typing_starts_stops_and_expires(session):
    enter(session, "t1", "joao")
    enter(session, "t2", "pedro")
    started = set_typing(session, "t1", True, now=NOW)
    assert (started.room, started.news) == ("sala-1", True)
    assert typists(session, NOW) == ["joao"]
    assert not set_typing(session, "t1", True, now=NOW + 1).news  # a refresh
    assert set_typing(session, "t2", True, now=NOW + 2).news
    assert typists(session, NOW + 2) == ["joao", "pedro"]
    assert set_typing(session, "t1", False, now=NOW + 3).news
    assert typists(session, NOW + 3) == ["pedro"]
    assert not set_typing(session, "t1", False, now=NOW + 4).news  # not typing
    assert typists(session, NOW + 2 + TTL) == []
    # Typing that expired starts again as news.
    assert set_typing(session, "t2", True, now=NOW + 2 + TTL).news


def test_typing_in_no_room_is_refused_and_changes_nothing(session):
    with pytest.raises(presence.NotInRoomError):
        set_typing(session, "nobody", True, now=NOW)
    assert typists(session, NOW) == []


def test_typing_from_another_users_tab_is_refused_and_changes_nothing(session):
    enter(session, "t1", "joao")
    with pytest.raises(presence.NotInRoomError):
        set_typing(session, "t1", True, now=NOW, username="pedro")
    assert typists(session, NOW) == []


def test_a_tab_resolves_to_its_room_only_for_its_own_user(session):
    enter(session, "t1", "joao", room="sala-2")
    assert presence.tab_room(session, tab="t1", username="joao") == "sala-2"
    with pytest.raises(presence.NotInRoomError):
        presence.tab_room(session, tab="t1", username="pedro")
    with pytest.raises(presence.NotInRoomError):
        presence.tab_room(session, tab="t9", username="joao")


def test_a_user_is_in_one_room_at_a_time_across_tabs(session):
    enter(session, "t1", "joao")
    enter(session, "t2", "joao")
    enter(session, "t3", "pedro")
    arrival = enter(session, "t2", "joao", room="sala-2")
    assert arrival.moved_sids == ["sid-t1"]
    assert arrival.left_rooms == {"sala-1"}
    assert presence.members(session, "sala-1") == ["pedro"]
    assert presence.members(session, "sala-2") == ["joao"]
    moved = presence.presence_of(session, "t1")
    assert moved is not None
    assert moved.room == "sala-2"
