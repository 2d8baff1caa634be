import pytest

from chat_app.domain.conversations import ConversationNotFoundError
from chat_app.domain.errors import ChatError, NotAllowedError
from chat_app.domain.rooms import Room
from chat_app.models import ReadMark
from chat_app.rooms import (
    conversations,
    managing,
    members,
    mentions,
    moderation,
    overview,
    presence,
    receipts,
)
from tests.unit.rooms.steps import NOW, enter, post, unlimited, view
from tests.unit.rooms.test_people import register

CONFIGURED = (Room(name="Sala 1", slug="sala-1"),)
NOW_MS = int(NOW * 1000)


def create(session, settings, owner="ana", name="Projeto", private=True):
    room = managing.create_room(
        session,
        owner=owner,
        name=name,
        topic="planos",
        private=private,
        configured=CONFIGURED,
        now_ms=NOW_MS,
        settings=unlimited(settings),
    )
    session.commit()
    return room


def find(session, slug, username):
    return conversations.find(
        session, slug=slug, username=username, configured=CONFIGURED
    )


def test_a_private_room_is_its_members_only_and_not_found_by_others(session, settings):
    register(session, "ana")
    register(session, "bia")
    room = create(session, settings)
    assert (room.slug, room.owner, room.private, room.member) == (
        "projeto",
        "ana",
        True,
        True,
    )
    with pytest.raises(ConversationNotFoundError):
        find(session, "projeto", "bia")
    with pytest.raises(ConversationNotFoundError):
        conversations.enter(
            session,
            slug="projeto",
            username="bia",
            configured=CONFIGURED,
            now_ms=NOW_MS,
        )
    # Not found reads the same for a room that does not exist at all.
    with pytest.raises(ConversationNotFoundError):
        find(session, "nada", "bia")
    managing.invite(
        session,
        slug="projeto",
        owner="ana",
        invitee="BIA",
        configured=CONFIGURED,
        now_ms=NOW_MS,
        settings=unlimited(settings),
    )
    assert find(session, "projeto", "bia").member
    assert members.members_of(session, room="projeto") == ["ana", "bia"]
    assert members.audience(session, room="projeto") == {"ana", "bia"}
    assert members.audience(session, room="sala-1") is None


def test_only_the_owner_manages_and_removes_and_never_themselves(session, settings):
    for name in ("ana", "bia", "caio"):
        register(session, name)
    create(session, settings)
    invite = {
        "slug": "projeto",
        "configured": CONFIGURED,
        "now_ms": NOW_MS,
        "settings": unlimited(settings),
    }
    managing.invite(session, owner="ana", invitee="bia", **invite)
    with pytest.raises(NotAllowedError):
        managing.invite(session, owner="bia", invitee="caio", **invite)
    with pytest.raises(ConversationNotFoundError):  # caio cannot even see it
        managing.invite(session, owner="caio", invitee="caio", **invite)
    with pytest.raises(ChatError, match="No one"):
        managing.invite(session, owner="ana", invitee="ninguem", **invite)
    with pytest.raises(NotAllowedError):
        managing.remove_member(
            session,
            slug="projeto",
            owner="ana",
            member="ana",
            configured=CONFIGURED,
            now_ms=NOW_MS,
        )
    removed, _ = managing.remove_member(
        session,
        slug="projeto",
        owner="ana",
        member="Bia",
        configured=CONFIGURED,
        now_ms=NOW_MS,
    )
    assert removed == "bia"
    # The administrators see owners' removals in the moderation log.
    entry = moderation.log(session, admin="ana", admins=["ana"])[0]
    assert (entry.action, entry.admin, entry.target) == ("remove", "ana", "bia")
    with pytest.raises(ConversationNotFoundError):
        find(session, "projeto", "bia")


def test_a_public_room_makes_its_visitors_members_reading_from_now(session, settings):
    register(session, "ana")
    register(session, "bia")
    create(session, settings, private=False, name="Café")
    post(session, settings, "ana", room="cafe")
    room = conversations.enter(
        session, slug="cafe", username="bia", configured=CONFIGURED, now_ms=NOW_MS
    )
    assert room.member
    # What was said before she came does not count as unread.
    assert session.get(ReadMark, ("bia", "cafe")).last_read_seq == 1
    assert conversations.slugs_of(session, username="bia", configured=["sala-1"]) == [
        "sala-1",
        "cafe",
    ]
    with pytest.raises(NotAllowedError):
        managing.remove_member(
            session,
            slug="cafe",
            owner="ana",
            member="bia",
            configured=CONFIGURED,
            now_ms=NOW_MS,
        )
    managing.leave(session, slug="cafe", username="bia", configured=CONFIGURED)
    assert conversations.slugs_of(session, username="bia", configured=[]) == []


def test_a_direct_conversation_is_one_per_pair_and_named_for_each(session, settings):
    ana, bia = (
        register(session, "ana", "Ana Lima"),
        register(session, "bia", "Bia Reis"),
    )
    first, created = managing.open_direct(
        session,
        user_id=ana,
        username="ana",
        other="bia",
        now_ms=NOW_MS,
        settings=unlimited(settings),
    )
    again, created_again = managing.open_direct(
        session,
        user_id=bia,
        username="bia",
        other="ANA",
        now_ms=NOW_MS,
        settings=unlimited(settings),
    )
    assert first.slug == again.slug == f"dm-{min(ana, bia)}-{max(ana, bia)}"
    assert (created, created_again) == (True, False)
    assert (first.name, first.peer, again.name, again.peer) == (
        "Bia Reis",
        "bia",
        "Ana Lima",
        "ana",
    )
    with pytest.raises(ChatError):
        managing.open_direct(
            session,
            user_id=ana,
            username="ana",
            other="ana",
            now_ms=NOW_MS,
            settings=settings,
        )
    with pytest.raises(NotAllowedError):
        managing.leave(session, slug=first.slug, username="ana", configured=CONFIGURED)


def test_an_archived_room_is_read_only_and_out_of_the_list(session, settings):
    register(session, "ana")
    create(session, settings)
    post(session, settings, "ana", room="projeto")
    managing.archive(
        session, slug="projeto", owner="ana", configured=CONFIGURED, now_ms=NOW_MS
    )
    session.commit()
    assert find(session, "projeto", "ana").archived
    assert [
        c.slug
        for c in conversations.listing(session, username="ana", configured=CONFIGURED)
    ] == ["sala-1"]
    with pytest.raises(NotAllowedError, match="archived"):
        post(session, settings, "ana", room="projeto")
    with pytest.raises(NotAllowedError):
        managing.archive(
            session, slug="projeto", owner="ana", configured=CONFIGURED, now_ms=NOW_MS
        )


def test_a_mention_in_a_private_room_reaches_its_members_only(session, settings):
    for name in ("ana", "bia", "caio"):
        register(session, name)
    create(session, settings)
    managing.invite(
        session,
        slug="projeto",
        owner="ana",
        invitee="bia",
        configured=CONFIGURED,
        now_ms=NOW_MS,
        settings=unlimited(settings),
    )
    posted = post(session, settings, "ana", room="projeto", text="@bia @caio olhem")
    assert posted.mentioned == ["bia"]
    assert mentions.mention_marks(session, username="caio") == {}


def test_the_overview_gives_each_conversation_its_latest_message(session, settings):
    register(session, "ana")
    create(session, settings, private=False, name="Café")
    post(session, settings, "ana", room="cafe", text="**bom** dia", at=NOW_MS + 5)
    lines = overview.overview(session, username="ana", configured=CONFIGURED)
    assert [(line.slug, line.pinned, line.by, line.text) for line in lines] == [
        ("sala-1", True, "", ""),
        ("cafe", False, "ana", "bom dia"),
    ]
    assert lines[1].at == NOW_MS + 5


def test_each_person_hears_whether_their_direct_conversations_others_are_here(
    session, settings
):
    ana = register(session, "ana")
    register(session, "bia")
    register(session, "caio")
    managing.open_direct(
        session,
        user_id=ana,
        username="ana",
        other="bia",
        now_ms=NOW_MS,
        settings=unlimited(settings),
    )
    session.commit()
    assert members.peers_online(session, usernames=["ana", "caio"]) == {
        "ana": {"bia": False}
    }
    enter(session, "t1", "bia")
    assert members.peers_online(session, usernames=["ana", "bia"]) == {
        "ana": {"bia": True},
        "bia": {"ana": False},
    }
    lines = overview.overview(session, username="ana", configured=CONFIGURED)
    assert [(line.kind, line.peer, line.online) for line in lines][1:] == [
        ("direct", "bia", True)
    ]


def test_a_removed_member_never_keeps_a_seat_even_entering_meanwhile(session, settings):
    register(session, "ana")
    register(session, "bia")
    create(session, settings)
    invite = {"configured": CONFIGURED, "now_ms": NOW_MS}
    managing.invite(
        session,
        slug="projeto",
        owner="ana",
        invitee="bia",
        settings=unlimited(settings),
        **invite,
    )
    enter(session, "t1", "bia", room="projeto")
    removed, sids = managing.remove_member(
        session, slug="projeto", owner="ana", member="bia", **invite
    )
    session.commit()
    assert (removed, sids) == ("bia", ["sid-t1"])
    # Her tab, having checked before the removal, takes its seat after it.
    with pytest.raises(ConversationNotFoundError):
        enter(session, "t1", "bia", room="projeto")
    session.rollback()
    assert presence.members(session, "projeto") == []


def test_an_archived_room_opens_at_its_latest_messages(session, settings):
    register(session, "ana")
    create(session, settings)
    for at in range(3):
        post(session, unlimited(settings), "ana", room="projeto", at=NOW_MS + at)
    managing.archive(
        session, slug="projeto", owner="ana", configured=CONFIGURED, now_ms=NOW_MS
    )
    enter(session, "t1", "ana", room="projeto")
    shown = view(session, "projeto", "ana")
    assert shown.latest["projeto"] == 3
    assert shown.last_read["projeto"] == 3
    assert [m.id for block in shown.blocks for m in block] == [1, 2, 3]


def test_two_rooms_never_share_a_name_even_after_a_rename(session, settings):
    register(session, "ana")
    create(session, settings, name="Alfa", private=False)
    managing.change(
        session,
        slug="alfa",
        owner="ana",
        name="Beta",
        topic="",
        configured=CONFIGURED,
    )
    session.commit()
    with pytest.raises(ChatError, match="already"):
        create(session, settings, name="beta")
    session.rollback()
    create(session, settings, name="Gama", private=False)
    with pytest.raises(ChatError, match="already"):
        managing.change(
            session,
            slug="gama",
            owner="ana",
            name="BETA",
            topic="",
            configured=CONFIGURED,
        )


def test_coming_back_to_a_room_counts_nothing_said_while_away(session, settings):
    register(session, "ana")
    register(session, "bia")
    create(session, settings)
    options = {"configured": CONFIGURED, "now_ms": NOW_MS}
    add = {**options, "settings": unlimited(settings)}
    managing.invite(session, slug="projeto", owner="ana", invitee="bia", **add)
    managing.remove_member(
        session, slug="projeto", owner="ana", member="bia", **options
    )
    for at in range(4):
        post(session, unlimited(settings), "ana", room="projeto", at=NOW_MS + at)
    managing.invite(session, slug="projeto", owner="ana", invitee="bia", **add)
    assert session.get(ReadMark, ("bia", "projeto")).last_read_seq == 4
    # Her read marks name the rooms she belongs to, not the ones she left.
    managing.remove_member(
        session, slug="projeto", owner="ana", member="bia", **options
    )
    marks = receipts.marks_of(session, usernames=["bia"], configured=["sala-1"])
    assert marks == {"bia": {"sala-1": 0}}
