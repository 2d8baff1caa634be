"""Each room's latest message number and how far each user has read it.

Unread counts are the difference of the two; the "new messages" divider goes
after a user's mark.
"""

from sqlmodel import Session, col, func, select

from chat_app.db import reads
from chat_app.models import Message, ReadMark


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


def mark_read(session: Session, *, username: str, room: str) -> None:
    """Record that a user has read a room up to its latest message.

    Args:
        session: The database session.
        username: The user.
        room: The room's slug.
    """
    mark = session.get(ReadMark, (username, room)) or ReadMark(
        username=username, room=room
    )
    mark.last_read_seq = latest_seq(session, room=room)
    session.add(mark)


def start_reading(session: Session, *, username: str, rooms: list[str]) -> None:
    """Give a user who never read anything a mark in every room at its latest.

    A new user starts with everything read: counters count from now on.

    Args:
        session: The database session.
        username: The user.
        rooms: The rooms' slugs.
    """
    if session.exec(select(ReadMark).where(ReadMark.username == username)).first():
        return
    for room in rooms:
        mark_read(session, username=username, room=room)
    session.flush()
