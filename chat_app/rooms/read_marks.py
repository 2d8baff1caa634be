"""Each room's latest message number and how far each user has read it.

Unread counts are the difference of the two; the "new messages" divider goes
after a user's mark.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from chat_app.db import reads
from chat_app.domain.receipts import extends, read_target
from chat_app.models import Message, ReadMark, ReadSpan


@reads
def latest_seq(session: Session, *, room: str) -> int:
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


def latest_by_room(session: Session, *, rooms: list[str]) -> dict[str, int]:
    """Each room's latest sequence number.

    Args:
        session: The database session.
        rooms: The rooms' slugs.

    Returns:
        Slug to number (0 for a room without messages).
    """
    rows = session.exec(
        select(Message.room, func.max(Message.seq)).group_by(col(Message.room))
    ).all()
    found = dict(rows)
    return {room: found.get(room, 0) for room in rooms}


def read_marks(session: Session, *, username: str, rooms: list[str]) -> dict[str, int]:
    """How far a user has read each room.

    Args:
        session: The database session.
        username: The user.
        rooms: The rooms' slugs.

    Returns:
        Slug to the last read sequence number (0 when never read).
    """
    marks = session.exec(select(ReadMark).where(ReadMark.username == username))
    found = {mark.room: mark.last_read_seq for mark in marks}
    return {room: found.get(room, 0) for room in rooms}


@reads
def read_state(
    session: Session, *, username: str, rooms: list[str]
) -> tuple[dict[str, int], dict[str, int]]:
    """Each room's latest number and how far the user has read it.

    Args:
        session: The database session.
        username: The user.
        rooms: The rooms' slugs.

    Returns:
        The latest numbers and the read marks, by slug.
    """
    return (
        latest_by_room(session, rooms=rooms),
        read_marks(session, username=username, rooms=rooms),
    )


@dataclass(frozen=True)
class Advance:
    """How far a reader's mark moved in a room (the stretch they read).

    Attributes:
        room: The room's slug.
        username: The reader.
        first_seq: The first message newly read.
        last_seq: Their mark now.
    """

    room: str
    username: str
    first_seq: int
    last_seq: int


def mark_read(
    session: Session,
    *,
    username: str,
    room: str,
    now: float,
    up_to: int | None = None,
    latest: int | None = None,
    seen: bool = True,
    spans: dict[tuple[str, str], ReadSpan] | None = None,
) -> Advance | None:
    """Record that a user has read a room up to a message: the one place a mark moves.

    The mark only moves forward and never past the room's latest message; the
    stretch newly read is recorded with when (extending the reader's previous
    stretch while it is recent), for "seen by".

    Args:
        session: The database session.
        username: The user.
        room: The room's slug.
        now: The time now, in seconds since the epoch.
        up_to: How far they read; None for the room's latest message.
        latest: The room's latest number, if the caller read it already.
        seen: Whether the user saw what they read (False for a tab that went
            silent: read for the unread counts, but no stretch recorded).
        spans: The newest recent stretch of each (username, room), if the
            caller read them already (kept up to date here).

    Returns:
        The advance, or None if the mark did not move (or nothing was seen).
    """
    if latest is None:
        latest = latest_seq(session, room=room)
    mark = session.get(ReadMark, (username, room)) or ReadMark(
        username=username, room=room
    )
    session.add(mark)  # kept even unmoved: the user has been here
    target = read_target(
        reported=latest if up_to is None else up_to,
        mark=mark.last_read_seq,
        latest=latest,
    )
    if target is None:
        return None
    if not seen:
        mark.last_read_seq = target
        return None
    now_ms = int(now * 1000)
    span = (
        spans.get((username, room))
        if spans is not None
        else session.exec(
            select(ReadSpan)
            .where(ReadSpan.room == room, ReadSpan.username == username)
            .order_by(col(ReadSpan.last_seq).desc())
            .limit(1)
        ).first()
    )
    if span is not None and extends(
        span_at_ms=span.at_ms,
        span_last=span.last_seq,
        mark=mark.last_read_seq,
        now_ms=now_ms,
    ):
        span.last_seq = target
    else:
        span = ReadSpan(
            room=room,
            username=username,
            first_seq=mark.last_read_seq + 1,
            last_seq=target,
            at_ms=now_ms,
        )
    session.add(span)
    if spans is not None:
        spans[username, room] = span
    advance = Advance(
        room=room, username=username, first_seq=mark.last_read_seq + 1, last_seq=target
    )
    mark.last_read_seq = target
    return advance


def start_reading(session: Session, *, username: str, rooms: list[str]) -> None:
    """Give a user who never read anything a mark in every room at its latest.

    A new user starts with everything read: counters count from now on. They
    did not see those messages: no stretch is recorded.

    Args:
        session: The database session.
        username: The user.
        rooms: The rooms' slugs.
    """
    if session.exec(select(ReadMark).where(ReadMark.username == username)).first():
        return
    for room, latest in latest_by_room(session, rooms=rooms).items():
        session.add(ReadMark(username=username, room=room, last_read_seq=latest))
    session.flush()
