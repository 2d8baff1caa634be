"""Rooms in the database: who is where, who is typing, the messages.

Plain functions over an explicit database session and clock, without Reflex. The
database is the one place every backend process agrees on, so presence works the
same with one process or many.
"""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from chat_app.domain.messages import (
    ChatMessage,
    block_number,
    continues_previous,
    first_seq_of,
    ring,
    slot_of,
    window_start,
)
from chat_app.models import Message, Presence

TYPING_TTL_SECONDS = 6.0


@dataclass(frozen=True)
class RoomView:
    """Everything a tab shows of a room when it arrives."""

    members: list[str]
    typists: list[str]
    blocks: list[list[ChatMessage]]
    head: int


@dataclass(frozen=True)
class Departure:
    """What changed when a tab left its room."""

    room: str
    members: list[str]
    typists: list[str]
    user_left: bool


def _to_message(row: Message, previous: Message | None) -> ChatMessage:
    previous_message = _to_message(previous, None) if previous else None
    return ChatMessage(
        id=row.seq,
        author=row.author,
        text=row.text,
        sent_at_ms=row.sent_at_ms,
        continues=continues_previous(previous_message, row.author, row.sent_at_ms),
        previous_sent_at_ms=previous.sent_at_ms if previous else 0,
    )


def members(session: Session, room: str) -> list[str]:
    """Who is in a room, in order of arrival, each user once.

    Args:
        session: The database session.
        room: The room's slug.

    Returns:
        The usernames.
    """
    rows = session.exec(
        select(Presence.username, func.min(Presence.entered_at))
        .where(Presence.room == room)
        .group_by(col(Presence.username))
        .order_by(func.min(Presence.entered_at))
    ).all()
    return [username for username, _ in rows]


def typists(session: Session, room: str, *, now: float) -> list[str]:
    """Who is typing in a room, in the order they started; stale typing expires.

    Args:
        session: The database session.
        room: The room's slug.
        now: The current time.

    Returns:
        The usernames.
    """
    rows = session.exec(
        select(Presence.username, func.min(Presence.typing_since))
        .where(
            Presence.room == room,
            col(Presence.typing_since).is_not(None),
            col(Presence.typing_since) > now - TYPING_TTL_SECONDS,
        )
        .group_by(col(Presence.username))
        .order_by(func.min(Presence.typing_since))
    ).all()
    return [username for username, _ in rows]


def presence_of(session: Session, tab: str) -> Presence | None:
    """The room a tab is in.

    Args:
        session: The database session.
        tab: The tab's id.

    Returns:
        Its presence, or None when it is in no room.
    """
    return session.get(Presence, tab)


def enter(
    session: Session, *, room: str, username: str, tab: str, sid: str, now: float
) -> tuple[list[str], bool]:
    """Put a tab in a room (taking it out of any other room).

    Args:
        session: The database session.
        room: The room's slug.
        username: The tab's verified user.
        tab: The tab's id.
        sid: The tab's current socket.
        now: The current time.

    Returns:
        The room's members and whether the user was not there before.
    """
    was_there = username in members(session, room)
    existing = session.get(Presence, tab)
    if existing is None:
        session.add(
            Presence(tab=tab, room=room, username=username, sid=sid, entered_at=now)
        )
    else:
        if existing.room != room:
            existing.entered_at = now
            existing.typing_since = None
        existing.room, existing.username, existing.sid = room, username, sid
        session.add(existing)
    session.flush()
    return members(session, room), not was_there


def leave(session: Session, *, tab: str, now: float) -> Departure | None:
    """Take a tab out of its room.

    Args:
        session: The database session.
        tab: The tab's id.
        now: The current time.

    Returns:
        What changed, or None if the tab was in no room.
    """
    presence = session.get(Presence, tab)
    if presence is None:
        return None
    room, username = presence.room, presence.username
    session.delete(presence)
    session.flush()
    present = members(session, room)
    return Departure(
        room=room,
        members=present,
        typists=typists(session, room, now=now),
        user_left=username not in present,
    )


def set_typing(
    session: Session, *, tab: str, typing: bool, now: float
) -> list[str] | None:
    """Mark a tab's user as typing or not.

    Args:
        session: The database session.
        tab: The tab's id.
        typing: Whether the user is typing.
        now: The current time.

    Returns:
        The room's typists if the list may have changed, else None.
    """
    presence = session.get(Presence, tab)
    if presence is None:
        return None
    before = typists(session, presence.room, now=now)
    if typing:
        presence.typing_since = now
        session.add(presence)
    else:
        for other in session.exec(
            select(Presence).where(
                Presence.room == presence.room, Presence.username == presence.username
            )
        ):
            other.typing_since = None
            session.add(other)
    session.flush()
    after = typists(session, presence.room, now=now)
    return after if after != before else None


@dataclass(frozen=True)
class Posted:
    """A stored message and what the room's tabs must be told.

    Attributes:
        message: The message.
        slot: The ring slot of its block.
        block: That block's messages, the new one last.
        typists: The room's typists if the author was typing, else None.
    """

    message: ChatMessage
    slot: int
    block: list[ChatMessage]
    typists: list[str] | None


def post(session: Session, *, room: str, author: str, text: str, now_ms: int) -> Posted:
    """Store a message and stop its author's typing.

    Args:
        session: The database session (writers are serialised by the database).
        room: The room's slug.
        author: The verified sender.
        text: The validated text.
        now_ms: The current time in milliseconds.

    Returns:
        What was stored and what changed.
    """
    # ORM results are buffered whole: the LIMIT keeps this independent of history.
    previous = session.exec(
        select(Message)
        .where(Message.room == room)
        .order_by(col(Message.seq).desc())
        .limit(1)
    ).first()
    row = Message(
        room=room,
        seq=(previous.seq + 1) if previous else 1,
        author=author,
        text=text,
        sent_at_ms=now_ms,
    )
    session.add(row)
    was_typing = False
    for presence in session.exec(
        select(Presence).where(Presence.room == room, Presence.username == author)
    ):
        was_typing = was_typing or presence.typing_since is not None
        presence.typing_since = None
        session.add(presence)
    session.flush()
    block = block_number(row.seq)
    return Posted(
        message=_to_message(row, previous),
        slot=slot_of(block),
        block=_messages_from(session, room, first_seq_of(block), row.seq),
        typists=typists(session, room, now=now_ms / 1000) if was_typing else None,
    )


def _messages_from(
    session: Session, room: str, first: int, last: int | None = None
) -> list[ChatMessage]:
    """A room's messages with sequence numbers from ``first`` (to ``last``)."""
    query = select(Message).where(Message.room == room, Message.seq >= first - 1)
    if last is not None:
        query = query.where(Message.seq <= last)
    rows = session.exec(query.order_by(col(Message.seq))).all()
    result = []
    for index, row in enumerate(rows):
        if row.seq >= first:
            result.append(_to_message(row, rows[index - 1] if index else None))
    return result


def latest_seq(session: Session, room: str) -> int:
    """The room's latest sequence number (0 when it has no messages).

    Args:
        session: The database session.
        room: The room's slug.

    Returns:
        The number.
    """
    return (
        session.exec(select(func.max(Message.seq)).where(Message.room == room)).one()
        or 0
    )


def view(session: Session, room: str, *, now: float) -> RoomView:
    """What a tab arriving in a room is shown.

    Args:
        session: The database session.
        room: The room's slug.
        now: The current time.

    Returns:
        Members, typists and the live window.
    """
    start = window_start(latest_seq(session, room))
    blocks, head = ring(_messages_from(session, room, start))
    return RoomView(
        members=members(session, room),
        typists=typists(session, room, now=now),
        blocks=blocks,
        head=head,
    )
