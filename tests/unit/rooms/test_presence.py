from chat_app.models import RevokedToken
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
    first = presence.leave(session, tab="t1")
    assert first is not None
    assert first.user_left is False
    assert presence.members(session, "sala-1") == ["joao", "pedro"]
    second = presence.leave(session, tab="t2")
    assert second is not None
    assert (second.room, second.username, second.user_left) == (
        "sala-1",
        "joao",
        True,
    )
    assert presence.members(session, "sala-1") == ["pedro"]
    assert presence.leave(session, tab="t2") is None


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


def test_typing_starts_stops_and_expires(session):
    enter(session, "t1", "joao")
    enter(session, "t2", "pedro")
    started = set_typing(session, "t1", True, now=NOW)
    assert started is not None
    assert (started.room, started.typists) == ("sala-1", ["joao"])
    assert set_typing(session, "t1", True, now=NOW + 1) is None
    both = set_typing(session, "t2", True, now=NOW + 2)
    assert both is not None
    assert both.typists == ["joao", "pedro"]
    stopped = set_typing(session, "t1", False, now=NOW + 3)
    assert stopped is not None
    assert stopped.typists == ["pedro"]
    assert presence.typists(session, "sala-1", now=NOW + 2 + TTL, ttl=TTL) == []
    assert set_typing(session, "nobody", True, now=NOW) is None


def sweep(session, live_sids, now):
    """One upkeep tick of a process holding ``live_sids``."""
    presence.confirm_tabs(session, live_sids=live_sids, now=now)
    session.commit()
    return presence.sweep(session, now=now, stale_after=7, typing_ttl=TTL)


def test_the_sweep_keeps_live_tabs_and_removes_silent_ones(session):
    enter(session, "t1", "joao")
    enter(session, "t2", "pedro")
    enter(session, "t3", "pedro")
    swept = sweep(session, {"sid-t1", "sid-t2"}, now=NOW + 5)
    assert swept.member_rooms == set()
    swept = sweep(session, {"sid-t1"}, now=NOW + 10)
    assert swept.member_rooms == set()  # pedro's t2 was seen at +5, t3 is gone
    assert presence.presence_of(session, "t3") is None
    swept = sweep(session, {"sid-t1"}, now=NOW + 13)
    assert swept.member_rooms == {"sala-1"}
    assert presence.members(session, "sala-1") == ["joao"]


def test_the_sweep_expires_typing_after_six_seconds(session):
    assert TTL == 6
    enter(session, "t1", "joao")
    set_typing(session, "t1", True, now=NOW)
    swept = sweep(session, {"sid-t1"}, now=NOW + 3)
    assert swept.typists == {}
    swept = sweep(session, {"sid-t1"}, now=NOW + TTL)
    assert swept.typists == {"sala-1": []}


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


def test_the_sweep_evicts_tabs_whose_session_was_revoked_or_expired(session):
    def enter_with(tab, username, token_id, expires_at):
        presence.enter(
            session,
            room="sala-1",
            username=username,
            tab=tab,
            sid=f"sid-{tab}",
            now=NOW,
            token_id=token_id,
            token_expires_at=expires_at,
        )
        session.commit()

    enter_with("t1", "joao", "revoked-jti", int(NOW) + 3600)
    enter_with("t2", "joao", "live-jti", int(NOW) + 3600)
    enter_with("t3", "pedro", "old-jti", int(NOW) + 5)
    enter(session, "t4", "ana")  # entered before sessions were recorded
    session.add(RevokedToken(jti="revoked-jti", expires_at=NOW + 3600))
    session.commit()
    live = {"sid-t1", "sid-t2", "sid-t3", "sid-t4"}
    swept = sweep(session, live, now=NOW + 2)
    # The revoked tab goes, however alive its socket; joao stays with t2.
    assert swept.evicted_sids == ["sid-t1"]
    assert swept.member_rooms == set()
    assert presence.presence_of(session, "t1") is None
    swept = sweep(session, live, now=NOW + 6)
    assert swept.evicted_sids == ["sid-t3"]
    assert swept.member_rooms == {"sala-1"}
    assert sorted(presence.members(session, "sala-1")) == ["ana", "joao"]
