import pytest
from sqlmodel import select

from chat_app import sessions
from chat_app.models import RevokedToken, User
from chat_app.rooms import presence
from chat_app.security import AuthError
from tests.unit.test_accounts import NOW, log_in, sign_up


def test_logout_revokes_the_token_everywhere(session, settings):
    sign_up(session, settings)
    signed_in = log_in(session, settings, "joao", "segredo123")
    sessions.log_out(session, signed_in.token, settings=settings, now=NOW + 1)
    session.commit()
    with pytest.raises(AuthError, match="logged out"):
        sessions.verify_session(
            session, signed_in.token, settings=settings, now=NOW + 2
        )
    other = log_in(session, settings, "joao", "segredo123", now=NOW + 3)
    user, _ = sessions.verify_session(
        session, other.token, settings=settings, now=NOW + 4
    )
    assert user.username == "Joao"


def test_logging_out_an_invalid_token_does_nothing(session, settings):
    sessions.log_out(session, "garbage", settings=settings, now=NOW)
    session.commit()
    assert session.exec(select(RevokedToken)).all() == []


def test_a_token_of_a_deleted_account_is_refused(session, settings):
    signed_in = sign_up(session, settings)
    session.delete(session.exec(select(User)).one())
    session.commit()
    with pytest.raises(AuthError, match="no longer exists"):
        sessions.verify_session(session, signed_in.token, settings=settings, now=NOW)


def test_identify_names_the_user_and_only_their_own_tabs_room(session, settings):
    token = sign_up(session, settings).token
    caller = sessions.identify(session, token, tab="t1", settings=settings, now=NOW)
    assert (caller.username, caller.room) == ("Joao", None)
    presence.enter(session, room="sala-2", username="Joao", tab="t1", sid="s", now=NOW)
    presence.enter(session, room="sala-1", username="ana", tab="t2", sid="s", now=NOW)
    session.commit()
    mine = sessions.identify(session, token, tab="t1", settings=settings, now=NOW)
    assert mine.room == "sala-2"
    # Another user's tab id tells this session nothing about that tab's room.
    theirs = sessions.identify(session, token, tab="t2", settings=settings, now=NOW)
    assert theirs.room is None
    with pytest.raises(AuthError):
        sessions.identify(session, "forged", tab="t1", settings=settings, now=NOW)


@pytest.fixture
def known_revocations(monkeypatch):
    revocations = sessions.Revocations()
    monkeypatch.setattr(sessions, "REVOKED", revocations)
    return revocations


def test_a_known_session_is_verified_without_the_database(
    session, settings, known_revocations
):
    signed_in = sign_up(session, settings)
    caller = sessions.identify(
        session, signed_in.token, tab="t1", settings=settings, now=NOW
    )
    claims = sessions.verify_known(
        signed_in.token, user_id=caller.user_id, settings=settings, now=NOW
    )
    assert claims is not None
    assert claims.token_id == caller.token_id
    # Another account than the tab's, or none yet: only the database can tell.
    assert (
        sessions.verify_known(
            signed_in.token, user_id=caller.user_id + 1, settings=settings, now=NOW
        )
        is None
    )
    with pytest.raises(AuthError):
        sessions.verify_known("forged", user_id=1, settings=settings, now=NOW)
    with pytest.raises(AuthError):
        sessions.verify_known(
            signed_in.token,
            user_id=caller.user_id,
            settings=settings,
            now=NOW + settings.token_ttl_seconds + 1,
        )


def test_a_logout_is_known_here_at_once_and_elsewhere_at_the_next_refresh(
    session, settings, known_revocations
):
    signed_in = sign_up(session, settings)
    caller = sessions.identify(
        session, signed_in.token, tab="t1", settings=settings, now=NOW
    )
    sessions.log_out(session, signed_in.token, settings=settings, now=NOW + 1)
    session.commit()
    assert (
        sessions.verify_known(
            signed_in.token, user_id=caller.user_id, settings=settings, now=NOW + 2
        )
        is None
    )
    # Another process learns it from the database.
    elsewhere = sessions.Revocations()
    assert caller.token_id not in elsewhere
    elsewhere.replace(sessions.revoked_ids(session, now=NOW + 2), now=NOW + 2)
    assert caller.token_id in elsewhere
    # Revocations of expired tokens are not worth remembering.
    later = NOW + settings.token_ttl_seconds + 10
    assert sessions.revoked_ids(session, now=later) == frozenset()


def test_a_refresh_read_before_a_logout_committed_does_not_forget_it(
    known_revocations,
):
    known_revocations.add("mine", expires_at=int(NOW) + 60)
    known_revocations.replace(frozenset({"other"}), now=NOW)  # read just before
    assert "mine" in known_revocations
    assert "other" in known_revocations
    # Once its session would have expired anyway, it need not be remembered.
    known_revocations.replace(frozenset(), now=NOW + 61)
    assert "mine" not in known_revocations


def test_a_banned_account_is_refused_its_sessions_and_its_login(
    session, settings, known_revocations
):
    signed_in = sign_up(session, settings)
    caller = sessions.identify(
        session, signed_in.token, tab="t1", settings=settings, now=NOW
    )
    user = session.exec(select(User)).one()
    user.banned_at_ms = int(NOW * 1000)
    session.add(user)
    session.commit()
    with pytest.raises(AuthError, match="banned"):
        sessions.verify_session(session, signed_in.token, settings=settings, now=NOW)
    with pytest.raises(AuthError, match="banned"):
        log_in(session, settings, "joao", "segredo123", now=NOW + 1)
    # The fast path: a ban is known here at the next refresh, then it asks the
    # database (which refuses).

    def known(now):
        return sessions.verify_known(
            signed_in.token, user_id=caller.user_id, settings=settings, now=now
        )

    assert known(NOW) is not None
    known_revocations.replace_banned(sessions.banned_ids(session))
    assert known(NOW) is None
    # A ban made by this process is known at once.
    elsewhere = sessions.Revocations()
    elsewhere.ban(caller.user_id)
    assert elsewhere.banned(caller.user_id)
    user.banned_at_ms = None
    session.add(user)
    session.commit()
    known_revocations.replace_banned(sessions.banned_ids(session))
    assert known(NOW) is not None
    assert log_in(session, settings, "joao", "segredo123", now=NOW + 2).token
