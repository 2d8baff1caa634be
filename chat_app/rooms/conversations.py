"""Where people talk: the configured rooms and the stored conversations.

Every entry to a conversation, and every list of them, goes through here, so
one rule decides who sees what (``domain.conversations``). The configured rooms
are everyone's; a stored conversation is read for one person at a time, with
whether they belong to it and, for a direct one, the other person's name.
"""

from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, and_, col, or_, select

from chat_app.db import reads
from chat_app.domain import conversations as rules
from chat_app.domain.conversations import (
    Conversation,
    ConversationNotFoundError,
)
from chat_app.domain.errors import NotAllowedError
from chat_app.domain.rooms import Room
from chat_app.models import Conversation as Stored
from chat_app.models import Membership, ReadMark, RoomSequence, User
from chat_app.rooms.members import is_member


def seen_as(
    session: Session,
    row: Stored,
    *,
    username: str,
    member: bool,
    people: dict[int, tuple[str, str]] | None = None,
) -> Conversation:
    """A stored conversation as one person sees it.

    Args:
        session: The database session.
        row: The stored conversation.
        username: The person.
        member: Whether they belong to it.
        people: Accounts already read (id to username and name), for a list
            of direct conversations read in one query (``_people``).

    Returns:
        The conversation, named for them.
    """
    peer, name = "", row.name
    if row.kind == rules.DIRECT:
        ids = rules.direct_ids(row.slug) or (0, 0)
        known = people if people is not None else _people(session, [row.slug])
        other = [known[i] for i in ids if i in known and known[i][0] != username]
        peer, name = other[0] if other else ("", "")
    return Conversation(
        slug=row.slug,
        name=name,
        kind=row.kind,
        private=row.private or row.kind == rules.DIRECT,
        owner=row.owner,
        topic=row.topic,
        archived=row.archived_at_ms is not None,
        peer=peer,
        member=member,
    )


def _people(session: Session, slugs: Iterable[str]) -> dict[int, tuple[str, str]]:
    """The accounts direct conversations' slugs name, in one query."""
    ids = {i for slug in slugs for i in rules.direct_ids(slug) or ()}
    if not ids:
        return {}
    rows = session.exec(
        select(User.id, User.username, User.name).where(col(User.id).in_(ids))
    ).all()
    return {user_id: (name, shown) for user_id, name, shown in rows if user_id}


@reads
def find(
    session: Session, *, slug: object, username: str, configured: tuple[Room, ...]
) -> Conversation:
    """A conversation as one person sees it, if they may see it at all.

    Args:
        session: The database session.
        slug: The slug asked for, as the client sent it.
        username: The verified user.
        configured: The configured rooms.

    Returns:
        The conversation.

    Raises:
        ConversationNotFoundError: If it does not exist or is not open to them.
    """
    for room in configured:
        if room.slug == slug:
            return rules.configured(room)
    row = session.get(Stored, slug) if isinstance(slug, str) else None
    if row is None:
        raise ConversationNotFoundError()
    member = is_member(session, room=row.slug, username=username)
    found = seen_as(session, row, username=username, member=member)
    if not rules.may_see(found):
        raise ConversationNotFoundError()
    return found


def _latest(session: Session, room: str) -> int:
    seq = session.exec(
        select(RoomSequence.last_seq).where(RoomSequence.room == room)
    ).first()
    return seq or 0


def add_member(session: Session, *, room: str, username: str, now_ms: int) -> None:
    """Make someone a member, reading from now on (nothing before counts unread).

    Args:
        session: The database session.
        room: The conversation's slug.
        username: The new member.
        now_ms: The time now, in milliseconds.
    """
    try:
        with session.begin_nested():
            session.add(Membership(room=room, username=username, joined_at_ms=now_ms))
    except IntegrityError:
        return  # already a member
    # Someone coming back (removed, then invited again) starts reading from
    # now too: what was said while they were away is not theirs to count.
    mark = session.get(ReadMark, (username, room))
    latest = _latest(session, room)
    if mark is None:
        session.add(ReadMark(username=username, room=room, last_read_seq=latest))
    elif mark.last_read_seq < latest:
        mark.last_read_seq = latest
        session.add(mark)


def enter(
    session: Session,
    *,
    slug: object,
    username: str,
    configured: tuple[Room, ...],
    now_ms: int,
) -> Conversation:
    """The conversation a person asks to enter; a public room makes them a member.

    Args:
        session: The database session.
        slug: The slug, as the client sent it.
        username: The verified user.
        configured: The configured rooms.
        now_ms: The time now, in milliseconds.

    Returns:
        The conversation, as they see it.

    Raises:
        ConversationNotFoundError: If it does not exist or is not open to them.
    """
    if not isinstance(slug, str):
        raise ConversationNotFoundError()
    found = find(session, slug=slug, username=username, configured=configured)
    if not found.member:
        add_member(session, room=slug, username=username, now_ms=now_ms)
        found = replace(found, member=True)
    return found


@reads
def reachable(
    session: Session,
    *,
    slugs: Iterable[str | None],
    username: str,
    configured: tuple[Room, ...],
) -> list[str]:
    """Which of some places a person may be in now (for where a tab belongs).

    Args:
        session: The database session.
        slugs: Candidate slugs (None for none).
        username: The verified user.
        configured: The configured rooms.

    Returns:
        Those they may see, in the order given.
    """
    found = []
    for slug in slugs:
        if slug is None:
            continue
        try:
            find(session, slug=slug, username=username, configured=configured)
        except ConversationNotFoundError:
            continue
        found.append(slug)
    return found


def memberships(session: Session, *, username: str) -> list[Conversation]:
    """The stored conversations a person belongs to, archived ones left out.

    Args:
        session: The database session.
        username: The user.

    Returns:
        Them, as the person sees them.
    """
    rows = session.exec(
        select(Stored)
        .join(Membership, col(Membership.room) == col(Stored.slug))
        .where(Membership.username == username, col(Stored.archived_at_ms).is_(None))
    ).all()
    people = _people(session, [row.slug for row in rows])
    return [
        seen_as(session, row, username=username, member=True, people=people)
        for row in rows
    ]


@reads
def listing(
    session: Session, *, username: str, configured: tuple[Room, ...]
) -> list[Conversation]:
    """Every conversation a person belongs to: the configured rooms first.

    Args:
        session: The database session.
        username: The user.
        configured: The configured rooms.

    Returns:
        The conversations.
    """
    return [
        *map(rules.configured, configured),
        *memberships(session, username=username),
    ]


def slugs_of(
    session: Session, *, username: str, configured: Sequence[str]
) -> list[str]:
    """The slugs of every conversation a person belongs to (for their counters).

    Args:
        session: The database session.
        username: The user.
        configured: The configured rooms' slugs.

    Returns:
        The configured rooms' slugs, then the stored ones' (archived left out).
    """
    stored = session.exec(
        select(Membership.room)
        .join(Stored, col(Stored.slug) == col(Membership.room))
        .where(Membership.username == username, col(Stored.archived_at_ms).is_(None))
    ).all()
    return [*configured, *sorted(stored)]


@reads
def public_rooms(
    session: Session, *, username: str, limit: int = 50
) -> list[Conversation]:
    """Public rooms a person has not joined, newest first.

    Args:
        session: The database session.
        username: The user.
        limit: How many at most.

    Returns:
        The rooms.
    """
    joined = select(Membership.room).where(Membership.username == username)
    rows = session.exec(
        select(Stored)
        .where(
            Stored.kind == rules.ROOM,
            col(Stored.private).is_(False),
            col(Stored.archived_at_ms).is_(None),
            col(Stored.slug).not_in(joined),
        )
        .order_by(col(Stored.created_at_ms).desc())
        .limit(limit)
    ).all()
    return [seen_as(session, row, username=username, member=False) for row in rows]


def readable(
    session: Session, *, username: str, configured: Sequence[str]
) -> list[str]:
    """Every conversation a person may read (what their search looks in).

    The rule of ``domain.conversations.may_see``, in one query: the configured
    rooms, public rooms that are not archived, and every conversation they
    belong to (archived ones too).

    Args:
        session: The database session.
        username: The person.
        configured: The configured rooms' slugs.

    Returns:
        The slugs.
    """
    joined = select(Membership.room).where(Membership.username == username)
    stored = session.exec(
        select(Stored.slug).where(
            or_(
                and_(
                    Stored.kind == rules.ROOM,
                    col(Stored.private).is_(False),
                    col(Stored.archived_at_ms).is_(None),
                ),
                col(Stored.slug).in_(joined),
            )
        )
    ).all()
    return [*configured, *stored]


def names_of(
    session: Session, *, slugs: Iterable[str], username: str, configured: Sequence[Room]
) -> dict[str, Conversation]:
    """Conversations as one person sees them, named for them, in two queries.

    Args:
        session: The database session.
        slugs: The conversations (ones the person may read).
        username: The person.
        configured: The configured rooms.

    Returns:
        Slug to conversation (its ``member`` flag not read: False).
    """
    wanted = set(slugs)
    found = {room.slug: rules.configured(room) for room in configured}
    rows = session.exec(select(Stored).where(col(Stored.slug).in_(wanted))).all()
    people = _people(session, [row.slug for row in rows])
    for row in rows:
        found[row.slug] = seen_as(
            session, row, username=username, member=False, people=people
        )
    return {slug: found[slug] for slug in wanted if slug in found}


def check_access(session: Session, *, room: str, username: str) -> None:
    """Refuse a seat in a stored conversation the person may not see (any more).

    Checked again where a tab takes its seat, in the same transaction, so a
    member removed while their tab was entering never keeps one.

    Args:
        session: The database session (the user's turn taken).
        room: The slug.
        username: The person.

    Raises:
        ConversationNotFoundError: If they may not see it.
    """
    row = session.get(Stored, room)
    if row is None:
        return  # a configured room: everyone's
    member = is_member(session, room=room, username=username)
    if not rules.may_see(seen_as(session, row, username=username, member=member)):
        raise ConversationNotFoundError()


def check_writable(session: Session, *, room: str) -> None:
    """Refuse writing in an archived room (any change to its messages).

    Args:
        session: The database session.
        room: The room's slug.

    Raises:
        NotAllowedError: If it is archived.
    """
    row = session.get(Stored, room)
    if row is not None and row.archived_at_ms is not None:
        raise NotAllowedError(rules.ARCHIVED)
