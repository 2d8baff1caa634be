"""Changing conversations: rooms people create, direct ones, their members.

Each change is its owner's (``domain.conversations.check_owner``), read for the
person asking first, so a room they may not see is "not found" to them.
"""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, or_, select

from chat_app.accounts import find_by_username
from chat_app.db import reads, take_turn
from chat_app.domain import conversations as rules
from chat_app.domain.conversations import Conversation, ConversationNotFoundError
from chat_app.domain.errors import ChatError, NotAllowedError
from chat_app.domain.rooms import Room
from chat_app.models import Conversation as Stored
from chat_app.models import Membership
from chat_app.rooms.actions import count_action
from chat_app.rooms.conversations import add_member, find, seen_as
from chat_app.rooms.members import is_member
from chat_app.rooms.moderation import record
from chat_app.rooms.presence import take_out
from chat_app.settings import Settings


def create_room(
    session: Session,
    *,
    owner: str,
    name: object,
    topic: object,
    private: object,
    configured: tuple[Room, ...],
    now_ms: int,
    settings: Settings,
) -> Conversation:
    """Create a room; its creator owns it and is its first member.

    Args:
        session: The database session.
        owner: The verified user.
        name: The name typed.
        topic: The topic typed.
        private: Whether only invited people see it (a boolean).
        configured: The configured rooms (their slugs are taken).
        now_ms: The time now, in milliseconds.
        settings: The rate limit it counts toward (with messages and actions).

    Returns:
        The room, as its owner sees it.

    Raises:
        ChatError: For a bad name or topic, or a name taken, or too many
            actions too fast.
    """
    if not isinstance(private, bool):
        raise ChatError("Say whether the room is private.")
    checked = rules.room_name(name)
    about = rules.topic(topic)
    taken = {room.slug for room in configured}
    slug = rules.room_slug(checked, taken=taken)
    take_turn(session, f"user:{owner}")
    count_action(session, username=owner, now_ms=now_ms, settings=settings)
    row = Stored(
        slug=slug,
        name=checked,
        name_key=slug,
        topic=about,
        kind=rules.ROOM,
        private=private,
        owner=owner,
        created_at_ms=now_ms,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise ChatError("There is already a room with that name.") from None
    add_member(session, room=slug, username=owner, now_ms=now_ms)
    return seen_as(session, row, username=owner, member=True)


def open_direct(
    session: Session,
    *,
    user_id: int,
    username: str,
    other: object,
    now_ms: int,
    settings: Settings,
) -> tuple[Conversation, bool]:
    """The direct conversation of two people, created on first use.

    Args:
        session: The database session.
        user_id: The verified user's account id.
        username: The verified user.
        other: The other person's username, as the client sent it.
        now_ms: The time now, in milliseconds.
        settings: The rate limit a new conversation counts toward.

    Returns:
        The conversation, as the user sees it, and whether it is new.

    Raises:
        ChatError: If no account has that username, it is the user's own, or
            the user started too many things too fast.
    """
    person = find_by_username(session, other) if isinstance(other, str) else None
    if person is None or person.id is None:
        raise ChatError("No one has that username.")
    slug = rules.direct_slug(user_id, person.id)
    row = session.get(Stored, slug)
    created = row is None
    if row is None:
        take_turn(session, f"user:{username}")
        count_action(session, username=username, now_ms=now_ms, settings=settings)
        row = Stored(slug=slug, kind=rules.DIRECT, private=True, created_at_ms=now_ms)
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:  # the other person opened it at the same time
            row, created = session.get(Stored, slug), False
            if row is None:
                raise ChatError("That conversation could not be started.") from None
    for member in (username, person.username):
        add_member(session, room=slug, username=member, now_ms=now_ms)
    return seen_as(session, row, username=username, member=True), created


def _owned(
    session: Session, *, slug: object, username: str, configured: tuple[Room, ...]
) -> Stored:
    """A room its owner manages (refused, as not found or not allowed, else)."""
    if not isinstance(slug, str):
        raise ConversationNotFoundError()
    seen = find(session, slug=slug, username=username, configured=configured)
    rules.check_owner(seen, username)
    row = session.get(Stored, slug)
    if row is None:  # only stored rooms have owners: never so
        raise ConversationNotFoundError()
    return row


def invite(
    session: Session,
    *,
    slug: object,
    owner: str,
    invitee: object,
    configured: tuple[Room, ...],
    now_ms: int,
    settings: Settings,
) -> str:
    """Add someone to a room its owner manages.

    Args:
        session: The database session.
        slug: The room's slug, as sent.
        owner: The verified user (must own it).
        invitee: The username typed.
        configured: The configured rooms.
        now_ms: The time now, in milliseconds.
        settings: The rate limit an invitation counts toward.

    Returns:
        The invitee's username, as stored.

    Raises:
        ChatError: If the room is not theirs to manage, or no one has that
            username.
    """
    row = _owned(session, slug=slug, username=owner, configured=configured)
    rules.check_writable(seen_as(session, row, username=owner, member=True))
    person = find_by_username(session, invitee) if isinstance(invitee, str) else None
    if person is None:
        raise ChatError("No one has that username.")
    take_turn(session, f"user:{owner}")
    count_action(session, username=owner, now_ms=now_ms, settings=settings)
    add_member(session, room=row.slug, username=person.username, now_ms=now_ms)
    return person.username


def remove_member(
    session: Session,
    *,
    slug: object,
    owner: str,
    member: object,
    configured: tuple[Room, ...],
    now_ms: int,
) -> tuple[str, list[str]]:
    """Take someone out of a private room its owner manages (it is logged).

    Their tabs in it lose their seats in the same transaction, so no tab of
    theirs entering meanwhile keeps one (``presence.enter`` checks again).

    Args:
        session: The database session.
        slug: The room's slug, as sent.
        owner: The verified user (must own it).
        member: The username to remove.
        configured: The configured rooms.
        now_ms: The time now, in milliseconds (for the moderation log).

    Returns:
        The removed person's username, and the sockets of their tabs taken
        out of the room (to be moved out of its channel).

    Raises:
        ChatError: If the room is not theirs, not private, the person is not a
            member, or is the owner.
    """
    row = _owned(session, slug=slug, username=owner, configured=configured)
    if not row.private:
        raise NotAllowedError(
            "A public room is open to everyone: nobody can be removed from it."
        )
    if not isinstance(member, str) or member.casefold() == owner.casefold():
        raise NotAllowedError("The owner cannot be removed from their room.")
    person = find_by_username(session, member)
    name = person.username if person else None
    if name is None or not is_member(session, room=row.slug, username=name):
        raise ChatError("That person is not a member of this room.")
    leave_membership(session, room=row.slug, username=name)
    sids = take_out(session, room=row.slug, username=name)
    # Owners moderate their rooms: the administrators see it in the same log.
    record(
        session,
        admin=owner,
        action="remove",
        target=name,
        now_ms=now_ms,
        room=row.slug,
    )
    return name, sids


def leave_membership(session: Session, *, room: str, username: str) -> None:
    """Forget that someone belongs to a conversation.

    Args:
        session: The database session.
        room: The conversation's slug.
        username: The person.
    """
    session.exec(
        delete(Membership).where(
            col(Membership.room) == room, col(Membership.username) == username
        )
    )


@reads
def check_leave(
    session: Session, *, slug: object, username: str, configured: tuple[Room, ...]
) -> Conversation:
    """A room someone may leave (asked before their tabs move out of it).

    Args:
        session: The database session.
        slug: The room's slug, as sent.
        username: The verified user.
        configured: The configured rooms.

    Returns:
        The room.

    Raises:
        ChatError: For a configured room, a direct conversation, a room one
            owns, or one does not belong to.
    """
    if not isinstance(slug, str):
        raise ConversationNotFoundError()
    seen = find(session, slug=slug, username=username, configured=configured)
    if seen.pinned or seen.kind != rules.ROOM:
        raise NotAllowedError("Everyone stays in this conversation.")
    if seen.owner == username:
        raise NotAllowedError("The owner cannot leave their room: archive it instead.")
    if not seen.member:
        raise ChatError("You are not a member of this room.")
    return seen


def leave(
    session: Session, *, slug: object, username: str, configured: tuple[Room, ...]
) -> Conversation:
    """Stop belonging to a room (its unread counts stop; a private one closes).

    Args:
        session: The database session.
        slug: The room's slug, as sent.
        username: The verified user.
        configured: The configured rooms.

    Returns:
        The room left.

    Raises:
        ChatError: As :func:`check_leave`.
    """
    seen = check_leave(session, slug=slug, username=username, configured=configured)
    leave_membership(session, room=seen.slug, username=username)
    return seen


def change(
    session: Session,
    *,
    slug: object,
    owner: str,
    name: object,
    topic: object,
    configured: tuple[Room, ...],
) -> Conversation:
    """Rename a room or change its topic (its address stays).

    Args:
        session: The database session.
        slug: The room's slug, as sent.
        owner: The verified user (must own it).
        name: The new name.
        topic: The new topic.
        configured: The configured rooms.

    Returns:
        The room, changed.

    Raises:
        ChatError: If it is not theirs, or the name is bad or another room's.
    """
    row = _owned(session, slug=slug, username=owner, configured=configured)
    rules.check_writable(seen_as(session, row, username=owner, member=True))
    checked = rules.room_name(name)
    key = rules.room_slug(checked, taken={room.slug for room in configured})
    other = session.exec(
        select(Stored.slug).where(
            Stored.slug != row.slug,
            or_(col(Stored.slug) == key, col(Stored.name_key) == key),
        )
    ).first()
    if other is not None:
        raise ChatError("There is already a room with that name.")
    row.name, row.name_key, row.topic = checked, key, rules.topic(topic)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # another room took the name meanwhile
        raise ChatError("There is already a room with that name.") from None
    return seen_as(session, row, username=owner, member=True)


def archive(
    session: Session,
    *,
    slug: object,
    owner: str,
    configured: tuple[Room, ...],
    now_ms: int,
) -> Conversation:
    """Archive a room: read-only, out of the lists, still its members' to read.

    Args:
        session: The database session.
        slug: The room's slug, as sent.
        owner: The verified user (must own it).
        configured: The configured rooms (never archived: nobody owns them).
        now_ms: The time now, in milliseconds.

    Returns:
        The room, archived.

    Raises:
        ChatError: If it is not theirs, or already archived.
    """
    row = _owned(session, slug=slug, username=owner, configured=configured)
    rules.check_writable(seen_as(session, row, username=owner, member=True))
    row.archived_at_ms = now_ms
    session.add(row)
    return seen_as(session, row, username=owner, member=True)
