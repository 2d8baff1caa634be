"""Each room's latest message number and how far each user has read it.

Unread counts are the difference of the two; the "new messages" divider goes
after a user's mark.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, insert, select, update

from chat_app.db import reads
from chat_app.domain.receipts import SPAN_OPEN_MS, extends, read_target
from chat_app.models import Message, ReadMark, ReadSpan, RoomSequence
from chat_app.rooms.conversations import slugs_of


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
    """Each room's latest sequence number (from its counter row: no scan).

    Args:
        session: The database session.
        rooms: The rooms' slugs.

    Returns:
        Slug to number (0 for a room without messages).
    """
    found: dict[str, int] = {}
    for start in range(0, len(rooms), 500):  # bounded IN lists
        found.update(
            session.exec(
                select(RoomSequence.room, RoomSequence.last_seq).where(
                    col(RoomSequence.room).in_(rooms[start : start + 500])
                )
            ).all()
        )
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
    session: Session, *, username: str, configured: Sequence[str]
) -> tuple[dict[str, int], dict[str, int]]:
    """Each of a user's conversations' latest number and how far they read it.

    Args:
        session: The database session.
        username: The user.
        configured: The configured rooms' slugs (the user's other
            conversations are looked up).

    Returns:
        The latest numbers and the read marks, by slug.
    """
    rooms = slugs_of(session, username=username, configured=configured)
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


@dataclass(frozen=True)
class Read:
    """That a user read a room up to a message.

    Attributes:
        username: The user.
        room: The room's slug.
        up_to: How far; None for the room's latest message.
    """

    username: str
    room: str
    up_to: int | None = None


def mark_reads(
    session: Session,
    *,
    reads: Sequence[Read],
    now: float,
    latest: dict[str, int] | None = None,
    seen: bool = True,
) -> list[Advance]:
    """Record that users read rooms up to messages: the one place a mark moves.

    A mark only moves forward and never past the room's latest message; the
    stretch newly read is recorded with when (extending the reader's previous
    stretch while it began less than a minute ago), for "seen by". Hundreds
    of reads (a flush of a busy room) cost a few statements, not a few each.

    Args:
        session: The database session.
        reads: What was read.
        now: The time now, in seconds since the epoch.
        latest: Each room's latest number, if the caller read them already.
        seen: Whether the users saw what they read (False for tabs that went
            silent: read for the unread counts, but no stretch recorded).

    Returns:
        The advances (none for reads not seen).
    """
    if not reads:
        return []
    users = sorted({read.username for read in reads})
    rooms = sorted({read.room for read in reads})
    if latest is None:
        latest = latest_by_room(session, rooms=rooms)
    marks: dict[tuple[str, str], int] = {
        (username, room): seq
        for username, room, seq in session.exec(
            select(ReadMark.username, ReadMark.room, ReadMark.last_read_seq).where(
                col(ReadMark.username).in_(users), col(ReadMark.room).in_(rooms)
            )
        )
    }
    now_ms = int(now * 1000)
    spans = _recent_spans(session, users=users, rooms=rooms, now_ms=now_ms)
    new_marks = {
        key: 0 for read in reads if (key := (read.username, read.room)) not in marks
    }
    moved: dict[tuple[str, str], int] = {}
    extended: dict[int, dict[str, Any]] = {}
    started: list[dict[str, Any]] = []
    advances = []
    for read in reads:
        key = (read.username, read.room)
        mark = marks.get(key, 0)
        room_latest = latest.get(read.room, 0)
        target = read_target(
            reported=room_latest if read.up_to is None else read.up_to,
            mark=mark,
            latest=room_latest,
        )
        if target is None:
            continue
        marks[key] = moved[key] = target
        if not seen:
            continue
        advances.append(Advance(read.room, read.username, mark + 1, target))
        span = spans.get(key)
        if span is not None and extends(
            span_at_ms=span["at_ms"],
            span_last=span["last_seq"],
            mark=mark,
            now_ms=now_ms,
        ):
            span["last_seq"] = target
            if span.get("id") is not None:
                extended[span["id"]] = span
        else:
            span = {
                "room": read.room,
                "username": read.username,
                "first_seq": mark + 1,
                "last_seq": target,
                "at_ms": now_ms,
            }
            started.append(span)
            spans[key] = span
    _write(session, new_marks, moved, extended, started)
    return advances


def _recent_spans(
    session: Session, *, users: list[str], rooms: list[str], now_ms: int
) -> dict[tuple[str, str], dict[str, Any]]:
    """The newest stretch of each user in each room still open to extension."""
    newest: dict[tuple[str, str], dict[str, Any]] = {}
    # SQLAlchemy's own select: SQLModel's types stop at four columns.
    for span_id, username, room, last_seq, at_ms in session.execute(
        sa.select(
            col(ReadSpan.id),
            col(ReadSpan.username),
            col(ReadSpan.room),
            col(ReadSpan.last_seq),
            col(ReadSpan.at_ms),
        ).where(
            col(ReadSpan.username).in_(users),
            col(ReadSpan.room).in_(rooms),
            col(ReadSpan.at_ms) > now_ms - SPAN_OPEN_MS,
        )
    ):
        kept = newest.get((username, room))
        if kept is None or last_seq > kept["last_seq"]:
            newest[username, room] = {
                "id": span_id,
                "last_seq": last_seq,
                "at_ms": at_ms,
            }
    return newest


def _write(
    session: Session,
    new_marks: dict[tuple[str, str], int],
    moved: dict[tuple[str, str], int],
    extended: dict[int, dict[str, Any]],
    started: list[dict[str, Any]],
) -> None:
    """Write marks and stretches, each kind in one statement run for many rows."""
    session.flush()  # anything pending first: the rows below are written apart
    if new_marks:  # kept even unmoved: the user has been here
        session.execute(
            insert(ReadMark),
            [
                {"username": username, "room": room, "last_read_seq": seq}
                for (username, room), seq in new_marks.items()
            ],
        )
    if moved:
        session.execute(
            update(ReadMark),
            [
                {"username": username, "room": room, "last_read_seq": seq}
                for (username, room), seq in moved.items()
            ],
        )
    if extended:
        session.execute(
            update(ReadSpan),
            [
                {"id": span_id, "last_seq": span["last_seq"]}
                for span_id, span in extended.items()
            ],
        )
    if started:
        session.execute(insert(ReadSpan), started)
    # Rows loaded earlier in this session show what was just written.
    for row in list(session.identity_map.values()):
        if isinstance(row, (ReadMark, ReadSpan)):
            session.expire(row)


def mark_read(
    session: Session,
    *,
    username: str,
    room: str,
    now: float,
    up_to: int | None = None,
    seen: bool = True,
) -> Advance | None:
    """Record that a user has read a room up to a message (see :func:`mark_reads`).

    Args:
        session: The database session.
        username: The user.
        room: The room's slug.
        now: The time now, in seconds since the epoch.
        up_to: How far they read; None for the room's latest message.
        seen: Whether the user saw what they read.

    Returns:
        The advance, or None if the mark did not move (or nothing was seen).
    """
    advances = mark_reads(
        session, reads=[Read(username, room, up_to)], now=now, seen=seen
    )
    return advances[0] if advances else None


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
