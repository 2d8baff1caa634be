"""Who is in which room, who is typing, and the sweep of silent tabs.

A tab is in one room at a time, and so is its user: entering a room takes all
of the user's tabs there. Each backend process confirms the tabs whose sockets
it holds; a tab nobody confirmed for a while leaves its room.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, delete, func, select, update

from chat_app.db import take_turn
from chat_app.models import Presence
from chat_app.rooms.read_marks import mark_read


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


def typists(session: Session, room: str, *, now: float, ttl: float) -> list[str]:
    """Who is typing in a room, in the order they started; stale typing expires.

    Args:
        session: The database session.
        room: The room's slug.
        now: The current time.
        ttl: Seconds a typing report lasts.

    Returns:
        The usernames.
    """
    rows = session.exec(
        select(Presence.username, func.min(Presence.typing_since))
        .where(
            Presence.room == room,
            col(Presence.typing_since).is_not(None),
            col(Presence.typing_since) > now - ttl,
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


@dataclass(frozen=True)
class Arrival:
    """What changed when a tab entered a room.

    Attributes:
        newcomer: The user was not in the room before.
        left_rooms: Rooms the user is no longer in (a user is in one room at a
            time, so entering one takes all their tabs out of the others).
        moved_tabs: Whether other tabs of the user were moved along.
    """

    newcomer: bool
    left_rooms: set[str]
    moved_tabs: bool


def enter(
    session: Session, *, room: str, username: str, tab: str, sid: str, now: float
) -> Arrival:
    """Put a tab in a room; the user's other tabs follow it there.

    Args:
        session: The database session.
        room: The room's slug.
        username: The tab's verified user.
        tab: The tab's id.
        sid: The tab's current socket.
        now: The current time.

    Returns:
        What changed.
    """
    take_turn(session, f"user:{username}")
    was_there = username in members(session, room)
    own_tabs = session.exec(select(Presence).where(Presence.username == username))
    left_rooms: set[str] = set()
    moved = False
    for other in own_tabs:
        if other.tab != tab and other.room != room:
            left_rooms.add(other.room)
            other.room, other.typing_since, other.entered_at = room, None, now
            session.add(other)
            moved = True
    existing = session.get(Presence, tab)
    if existing is None:
        session.add(
            Presence(
                tab=tab,
                room=room,
                username=username,
                sid=sid,
                entered_at=now,
                seen_at=now,
            )
        )
    else:
        if existing.room != room:
            left_rooms.add(existing.room)
            existing.entered_at = now
            existing.typing_since = None
        existing.room, existing.username = room, username
        existing.sid, existing.seen_at = sid, now
        session.add(existing)
    session.flush()
    return Arrival(
        newcomer=not was_there,
        left_rooms={
            left for left in left_rooms if username not in members(session, left)
        },
        moved_tabs=moved,
    )


def _own_tab(session: Session, tab: str) -> Presence | None:
    """A tab's presence, read again once its user's turn is taken.

    The first read only tells whose turn to take; another process may have
    moved or removed the tab before the turn came.
    """
    presence = session.get(Presence, tab)
    if presence is None:
        return None
    take_turn(session, f"user:{presence.username}")
    return session.get(Presence, tab, populate_existing=True)


def _delete_tab(
    session: Session, tab: str, *, seen_before: float | None = None
) -> bool:
    """Delete a tab's presence (only if not seen since ``seen_before``).

    Returns:
        False if it was already gone, or seen again meanwhile.
    """
    query = delete(Presence).where(col(Presence.tab) == tab)
    if seen_before is not None:
        # Re-checked on the current row: a tab that re-entered meanwhile stays.
        query = query.where(col(Presence.seen_at) < seen_before)
    return session.exec(query).rowcount > 0


@dataclass(frozen=True)
class Departure:
    """What changed when a tab left its room.

    Attributes:
        room: The room it left.
        username: Its user.
        user_left: Whether that was the user's last tab there.
    """

    room: str
    username: str
    user_left: bool


def leave(session: Session, *, tab: str) -> Departure | None:
    """Take a tab out of its room; its user has read the room so far.

    Args:
        session: The database session.
        tab: The tab's id.

    Returns:
        What changed, or None if the tab was in no room.
    """
    presence = _own_tab(session, tab)
    if presence is None:
        return None
    room, username = presence.room, presence.username
    # A bulk delete: the sweep of another process may have removed it meanwhile.
    if not _delete_tab(session, tab):
        return None
    mark_read(session, username=username, room=room)
    session.flush()
    return Departure(
        room=room,
        username=username,
        user_left=username not in members(session, room),
    )


@dataclass(frozen=True)
class TypingChange:
    """A room whose typists may have changed, and who types there now."""

    room: str
    typists: list[str]


def set_typing(
    session: Session, *, tab: str, typing: bool, now: float, ttl: float
) -> TypingChange | None:
    """Mark a tab's user as typing or not.

    Args:
        session: The database session.
        tab: The tab's id.
        typing: Whether the user is typing.
        now: The current time.
        ttl: Seconds a typing report lasts.

    Returns:
        The tab's room and its typists if the list changed, else None.
    """
    presence = _own_tab(session, tab)
    if presence is None:
        return None
    before = typists(session, presence.room, now=now, ttl=ttl)
    rows = (
        [col(Presence.tab) == tab]
        if typing
        else [
            col(Presence.room) == presence.room,
            col(Presence.username) == presence.username,
        ]
    )
    session.exec(
        update(Presence).where(*rows).values(typing_since=now if typing else None)
    )
    after = typists(session, presence.room, now=now, ttl=ttl)
    return TypingChange(presence.room, after) if after != before else None


def stop_typing(session: Session, *, room: str, username: str) -> bool:
    """End a user's typing in a room (they sent what they typed).

    Args:
        session: The database session.
        room: The room's slug.
        username: The user.

    Returns:
        Whether they were typing.
    """
    stopped = session.exec(
        update(Presence)
        .where(
            col(Presence.room) == room,
            col(Presence.username) == username,
            col(Presence.typing_since).is_not(None),
        )
        .values(typing_since=None)
    )
    return stopped.rowcount > 0


@dataclass(frozen=True)
class Sweep:
    """What the periodic presence check changed.

    Attributes:
        member_rooms: Rooms where a user left (their last tab went silent).
        typists: Rooms whose typists changed because typing expired, with the
            new lists.
    """

    member_rooms: set[str]
    typists: dict[str, list[str]]


def confirm_tabs(session: Session, *, live_sids: set[str], now: float) -> None:
    """Mark the tabs whose sockets this process holds as seen now.

    Each backend process calls this every few seconds, in a transaction of its
    own (it takes no turns, so it never waits on a user's work while holding
    rows), then :func:`sweep`.

    Args:
        session: The database session.
        live_sids: The connected sockets of the calling process.
        now: The current time.
    """
    if live_sids:
        session.exec(
            update(Presence).where(col(Presence.sid).in_(live_sids)).values(seen_at=now)
        )


def sweep(
    session: Session, *, now: float, stale_after: float, typing_ttl: float
) -> Sweep:
    """Drop the silent tabs and end stale typing.

    A tab whose socket was not seen for ``stale_after`` seconds (closed, or its
    network lost) leaves its room; a tab that reconnects before then stays, so
    nobody sees it leave and come back. Typing older than ``typing_ttl`` ends.

    Args:
        session: The database session.
        now: The current time.
        stale_after: Seconds without being seen before a tab leaves.
        typing_ttl: Seconds a typing report lasts.

    Returns:
        What changed.
    """
    # One sweep at a time across processes; users' own work takes turns with it.
    # Every turn is taken before any row is written, so nothing waits in a cycle.
    take_turn(session, "presence-sweep")
    stale = session.exec(
        select(Presence.tab, Presence.room, Presence.username).where(
            Presence.seen_at < now - stale_after
        )
    ).all()
    gone: set[tuple[str, str]] = set()
    for username in sorted({username for _, _, username in stale}):
        take_turn(session, f"user:{username}")
    for tab, room, username in stale:
        if _delete_tab(session, tab, seen_before=now - stale_after):
            mark_read(session, username=username, room=room)
            gone.add((room, username))
    expired = session.exec(
        update(Presence)
        .where(
            col(Presence.typing_since).is_not(None),
            col(Presence.typing_since) <= now - typing_ttl,
        )
        .values(typing_since=None)
        .returning(col(Presence.room))
    )
    typing_rooms = set(expired.scalars())
    return Sweep(
        member_rooms={
            room for room, username in gone if username not in members(session, room)
        },
        typists={
            room: typists(session, room, now=now, ttl=typing_ttl)
            for room in typing_rooms
        },
    )
