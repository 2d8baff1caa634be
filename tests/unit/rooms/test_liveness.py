from datetime import UTC, datetime

from sqlmodel import select

from chat_app.models import RevokedToken, User
from chat_app.rooms import liveness, presence
from tests.unit.rooms.steps import NOW, TTL, enter, set_typing


def sweep(session, live_sids, now):
    """One upkeep tick of a process holding ``live_sids``."""
    liveness.confirm_tabs(session, live_sids=live_sids, now=now)
    session.commit()
    return liveness.sweep(session, now=now, stale_after=7, typing_ttl=TTL)


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

    for username in ("joao", "pedro", "gone"):
        session.add(
            User(
                name=username,
                username=username,
                username_key=username,
                email=f"{username}@example.com",
                password_hash="x",
                created_at=datetime.fromtimestamp(NOW, UTC),
            )
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
    # An account deleted (banned) takes its open tabs with it.
    enter_with("t5", "gone", "gone-jti", int(NOW) + 3600)
    session.delete(session.exec(select(User).where(User.username == "gone")).one())
    session.commit()
    swept = sweep(session, live | {"sid-t5"}, now=NOW + 7)
    assert swept.evicted_sids == ["sid-t5"]
