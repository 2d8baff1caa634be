import pytest
from sqlmodel import select

from chat_app.domain.errors import ChatError
from chat_app.domain.moderation import MutedError, NotAdminError
from chat_app.models import Attachment, Message, ModerationAction, User
from chat_app.rooms import actions, liveness, moderation, presence
from chat_app.security import AuthError
from chat_app.uploads.records import record_attachments
from tests.unit.rooms.steps import NOW, TTL, enter, post, view
from tests.unit.rooms.test_actions import (
    AT,
    account,
    clock,
    react,
    remove,
    shown,
)

ADMINS = ["boss", "Chefe"]


@pytest.fixture
def admin_settings(settings):
    return settings.model_copy(update={"admins": ADMINS})


def user(session, username) -> User:
    return session.exec(select(User).where(User.username == username)).one()


def logged(session) -> list[tuple[str, str, str]]:
    rows = session.exec(select(ModerationAction)).all()
    return [(row.admin, row.action, row.target) for row in rows]


def ban(session, admin, username, reason="", at=AT):
    return moderation.ban(
        session, admin=admin, username=username, reason=reason, admins=ADMINS, now_ms=at
    )


def mute(session, admin, username, seconds=600, at=AT):
    return moderation.mute(
        session,
        admin=admin,
        username=username,
        seconds=seconds,
        reason="",
        admins=ADMINS,
        now_ms=at,
    )


def test_an_admin_bans_and_unbans_and_both_are_logged(session):
    for name in ("boss", "caio"):
        account(session, name)
    entry, user_id = ban(session, "boss", "CAIO", reason=" spam ")
    session.commit()
    assert user(session, "caio").banned_at_ms == AT
    assert user_id == user(session, "caio").id
    assert (entry.action, entry.target, entry.reason) == ("ban", "caio", "spam")
    with pytest.raises(ChatError, match="banned already"):
        ban(session, "boss", "caio")
    moderation.unban(
        session, admin="boss", username="caio", reason="", admins=ADMINS, now_ms=AT + 1
    )
    session.commit()
    assert user(session, "caio").banned_at_ms is None
    with pytest.raises(ChatError, match="not banned"):
        moderation.unban(
            session, admin="boss", username="caio", reason="", admins=ADMINS, now_ms=AT
        )
    assert logged(session) == [("boss", "ban", "caio"), ("boss", "unban", "caio")]


@pytest.mark.parametrize(
    ("admin", "target", "refusal"),
    [
        ("caio", "dani", NotAdminError),  # no administrator
        ("boss", "boss", ChatError),  # oneself
        ("boss", "chefe", ChatError),  # another administrator
        ("boss", "nobody", ChatError),  # no such person
        ("boss", None, ChatError),
        ("boss", "x" * 40, ChatError),
    ],
)
def test_refused_bans_and_mutes_change_nothing(session, admin, target, refusal):
    for name in ("boss", "chefe", "caio", "dani"):
        account(session, name)
    with pytest.raises(refusal):
        ban(session, admin, target)
    with pytest.raises(refusal):
        mute(session, admin, target)
    session.rollback()
    assert all(
        row.banned_at_ms is None and row.muted_until_ms is None
        for row in session.exec(select(User)).all()
    )
    assert logged(session) == []


def test_a_reason_longer_than_300_characters_is_refused(session):
    for name in ("boss", "caio"):
        account(session, name)
    with pytest.raises(ChatError, match="at most 300"):
        ban(session, "boss", "caio", reason="x" * 301)


def test_a_muted_person_neither_writes_edits_nor_reacts_until_it_ends(
    session, settings
):
    for name in ("boss", "ana"):
        account(session, name)
    enter(session, "t1", "ana")
    post(session, settings, "ana", text="before", at=AT)
    entry = mute(session, "boss", "ana", seconds=600, at=AT)
    session.commit()
    assert entry.until_ms == AT + 600_000
    with pytest.raises(MutedError, match="muted until"):
        post(session, settings, "ana", text="during", at=AT + 1000)
    session.rollback()
    with pytest.raises(MutedError):
        actions.edit(
            session,
            tab="t1",
            username="ana",
            number=1,
            text="changed",
            clock=clock(AT + 1000),
            settings=settings,
        )
    session.rollback()
    with pytest.raises(MutedError):
        react(session, settings, "t1", "ana", 1, "👍")
    session.rollback()
    assert [row.text for row in session.exec(select(Message)).all()] == ["before"]
    # Deleting one's own message is still allowed; so is writing once it ends.
    post(session, settings, "ana", text="after", at=AT + 600_001)
    session.commit()
    mute(session, "boss", "ana", at=AT + 700_000)
    moderation.unmute(
        session, admin="boss", username="ana", reason="", admins=ADMINS, now_ms=AT + 1
    )
    post(session, settings, "ana", text="unmuted", at=AT + 700_002)
    with pytest.raises(ChatError, match="not muted"):
        moderation.unmute(
            session, admin="boss", username="ana", reason="", admins=ADMINS, now_ms=AT
        )
    assert [a for _, a, _ in logged(session)] == ["mute", "mute", "unmute"]


def test_an_admin_removes_anyones_message_with_its_files_and_it_is_logged(
    session, admin_settings
):
    enter(session, "t1", "ana")
    enter(session, "t2", "boss")
    (upload,) = record_attachments(
        session,
        [("b" * 32 + ".png", "foto.png", "image", "image/png", 10)],
        owner="ana",
        now=NOW,
    )
    post(
        session,
        admin_settings,
        "ana",
        text="spam",
        at=AT,
        attachment_urls=[upload["url"]],
    )
    post(session, admin_settings, "boss", text="own", at=AT)
    changed = remove(session, admin_settings, "t2", "boss", 1)
    session.commit()
    assert changed.removed_files == ["b" * 32 + ".png"]
    assert session.exec(select(Attachment)).all() == []
    message = view(session, "sala-1", "ana").blocks[0][0]
    assert message.deleted and message.removed and message.text == ""
    row = session.exec(select(ModerationAction)).one()
    assert (row.admin, row.action, row.target, row.room, row.seq) == (
        "boss",
        "delete",
        "ana",
        "sala-1",
        1,
    )
    # An administrator's own message goes as the author's: not logged.
    own = shown(remove(session, admin_settings, "t2", "boss", 2), 2)
    session.commit()
    assert own.deleted and not own.removed
    assert len(session.exec(select(ModerationAction)).all()) == 1


def test_people_and_the_log_are_for_administrators_only(session):
    for name in ("boss", "ana", "anabel", "bia"):
        account(session, name)
    ban(session, "boss", "bia", at=AT)
    mute(session, "boss", "ana", at=AT + 1)
    session.commit()
    found = moderation.people(
        session, admin="boss", query="AN", admins=ADMINS, now_ms=AT + 2
    )
    assert [p.username for p in found] == ["ana", "anabel"]
    assert found[0].muted_until_ms == AT + 1 + 600_000
    everyone = moderation.people(
        session, admin="boss", query="", admins=ADMINS, now_ms=AT + 2
    )
    assert [(p.username, p.admin, p.banned) for p in everyone] == [
        ("ana", False, False),
        ("anabel", False, False),
        ("bia", False, True),
        ("boss", True, False),
    ]
    entries = moderation.log(session, admin="boss", admins=ADMINS)
    assert [e.action for e in entries] == ["mute", "ban"]  # newest first
    with pytest.raises(NotAdminError):
        moderation.people(session, admin="ana", query="", admins=ADMINS, now_ms=AT)
    with pytest.raises(NotAdminError):
        moderation.log(session, admin="ana", admins=ADMINS)


def test_the_sweep_evicts_every_tab_of_a_banned_person(session):
    for name in ("boss", "caio"):
        account(session, name)
    for tab, room in (("t1", "sala-1"), ("t2", "sala-2")):
        presence.enter(
            session,
            room=room,
            username="caio",
            tab=tab,
            sid=f"sid-{tab}",
            now=NOW,
            token_id=f"jti-{tab}",
            token_expires_at=int(NOW) + 3600,
        )
    session.commit()
    live = {"sid-t1", "sid-t2"}
    liveness.confirm_tabs(session, live_sids=live, now=NOW + 1)
    swept = liveness.sweep(session, now=NOW + 1, stale_after=7, typing_ttl=TTL)
    session.commit()
    assert swept.evicted_sids == []
    ban(session, "boss", "caio")
    session.commit()
    swept = liveness.sweep(session, now=NOW + 2, stale_after=7, typing_ttl=TTL)
    session.commit()
    assert sorted(swept.evicted_sids) == ["sid-t1", "sid-t2"]
    # A person's tabs are in one room (entering sala-2 moved the first one).
    assert swept.member_rooms == {"sala-2"}
    assert presence.members(session, "sala-2") == []


def test_a_banned_persons_writes_are_refused_at_once_on_every_process(session):
    account(session, "boss")
    account(session, "bia")
    moderation.writing_allowed(session, username="bia", now_ms=AT)
    ban(session, "boss", "bia")
    # Before any process's identity check heard of it: the write itself refuses.
    with pytest.raises(AuthError, match="banned"):
        moderation.writing_allowed(session, username="bia", now_ms=AT)
