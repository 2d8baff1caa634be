"""Who is in which room and who is typing.

A tab is in one room at a time, and so is its user: entering a room takes all
of the user's tabs there. Which tabs are still there at all is ``liveness``.
"""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, delete, func, select, update

from chat_app.db import reads, take_turn
from chat_app.domain.errors import ChatError
from chat_app.domain.files import stored_version
from chat_app.models import Presence, User
from chat_app.rooms.conversations import check_access
from chat_app.rooms.read_marks import Advance, mark_read


class NotInRoomError(ChatError):
    """The tab is in no room (it left, was moved, or its session ended)."""

    def __init__(self) -> None:
        """Say what to do."""
        super().__init__("You are not in this room any more: enter a room to chat.")


@reads
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


@reads
def avatars(session: Session, usernames: list[str]) -> dict[str, str]:
    """The pictures of people who have one, by their version.

    A page asks for ``/api/avatars/<username>?v=<version>``: a new picture is a
    new address, so no page keeps showing the old one.

    Args:
        session: The database session.
        usernames: The people (a room's members).

    Returns:
        Username to the version of their picture; people without one are left
        out.
    """
    if not usernames:
        return {}
    rows = session.exec(
        select(User.username, User.avatar).where(
            col(User.username).in_(usernames), col(User.avatar).is_not(None)
        )
    ).all()
    return {username: stored_version(avatar) for username, avatar in rows if avatar}


@dataclass(frozen=True)
class Roster:
    """Who is in a room, how they look, and who of them is typing."""

    members: list[str]
    avatars: dict[str, str]
    typists: list[str]


@reads
def roster(session: Session, room: str, *, now: float, ttl: float) -> Roster:
    """A room's members, their pictures and its typists, in one database visit.

    Args:
        session: The database session.
        room: The room's slug.
        now: The current time.
        ttl: Seconds a typing report lasts.

    Returns:
        The roster.
    """
    people = members(session, room)
    return Roster(
        members=people,
        avatars=avatars(session, people),
        typists=typists(session, room, now=now, ttl=ttl),
    )


@reads
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
        moved_sids: The sockets of the user's other tabs, moved along.
    """

    newcomer: bool
    left_rooms: set[str]
    moved_sids: list[str]


def enter(
    session: Session,
    *,
    room: str,
    username: str,
    tab: str,
    sid: str,
    now: float,
    token_id: str | None = None,
    token_expires_at: int | None = None,
) -> Arrival:
    """Put a tab in a room; the user's other tabs follow it there.

    Args:
        session: The database session.
        room: The room's slug.
        username: The tab's verified user.
        tab: The tab's id.
        sid: The tab's current socket.
        now: The current time.
        token_id: The id of the session the tab was verified with.
        token_expires_at: When that session expires (seconds since the epoch).

    Returns:
        What changed.
    """
    take_turn(session, f"user:{username}")
    check_access(session, room=room, username=username)  # still theirs to enter
    was_there = username in members(session, room)
    own_tabs = session.exec(select(Presence).where(Presence.username == username))
    left_rooms: set[str] = set()
    moved: list[str] = []
    for other in own_tabs:
        if other.tab != tab and other.room != room:
            left_rooms.add(other.room)
            other.room, other.typing_since, other.entered_at = room, None, now
            session.add(other)
            moved.append(other.sid)
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
                token_id=token_id,
                token_expires_at=token_expires_at,
            )
        )
    else:
        if existing.room != room:
            left_rooms.add(existing.room)
            existing.entered_at = now
            existing.typing_since = None
        existing.room, existing.username = room, username
        existing.sid, existing.seen_at = sid, now
        existing.token_id, existing.token_expires_at = token_id, token_expires_at
        session.add(existing)
    session.flush()
    return Arrival(
        newcomer=not was_there,
        left_rooms={
            left for left in left_rooms if username not in members(session, left)
        },
        moved_sids=moved,
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


def delete_tab(session: Session, tab: str, *conditions: Any) -> bool:
    """Delete a tab's presence (only if the conditions still hold for its row).

    Returns:
        False if it was already gone, or changed meanwhile.
    """
    query = delete(Presence).where(col(Presence.tab) == tab, *conditions)
    return session.exec(query).rowcount > 0


@dataclass(frozen=True)
class Departure:
    """What changed when a tab left its room.

    Attributes:
        room: The room it left.
        username: Its user.
        user_left: Whether that was the user's last tab there.
        read: What the user read of the room since their mark (its authors
            are told); None if nothing.
    """

    room: str
    username: str
    user_left: bool
    read: Advance | None = None


def leave(session: Session, *, tab: str, now: float) -> Departure | None:
    """Take a tab out of its room; its user has read the room so far.

    Args:
        session: The database session.
        tab: The tab's id.
        now: The time now.

    Returns:
        What changed, or None if the tab was in no room.
    """
    presence = _own_tab(session, tab)
    if presence is None:
        return None
    room, username = presence.room, presence.username
    # A bulk delete: the sweep of another process may have removed it meanwhile.
    if not delete_tab(session, tab):
        return None
    read = mark_read(session, username=username, room=room, now=now)
    session.flush()
    return Departure(
        room=room,
        username=username,
        user_left=username not in members(session, room),
        read=read,
    )


def take_out(session: Session, *, room: str, username: str) -> list[str]:
    """Take all of a user's tabs out of a room they may no longer be in.

    Args:
        session: The database session.
        room: The room's slug.
        username: The user.

    Returns:
        The sockets of the tabs taken out (to be moved out of its channel).
    """
    take_turn(session, f"user:{username}")
    sids = session.exec(
        select(Presence.sid).where(Presence.room == room, Presence.username == username)
    ).all()
    session.exec(
        delete(Presence).where(
            col(Presence.room) == room, col(Presence.username) == username
        )
    )
    return list(sids)


@dataclass(frozen=True)
class TypingChange:
    """Where a tab's typing was recorded, and whether the room may hear of it.

    Attributes:
        room: The tab's room.
        news: Whether the room's typists may have changed (typing started or
            ended; not a refresh of typing already going on).
    """

    room: str
    news: bool


def set_typing(
    session: Session,
    *,
    tab: str,
    username: str,
    typing: bool,
    now: float,
    ttl: float,
) -> TypingChange:
    """Mark a tab's user as typing or not.

    Args:
        session: The database session.
        tab: The tab's id.
        username: The tab's verified user.
        typing: Whether the user is typing.
        now: The current time.
        ttl: Seconds a typing report lasts.

    Returns:
        The tab's room, and whether its typists may have changed.

    Raises:
        NotInRoomError: If the tab is in no room, or not as this user.
    """
    presence = _users_tab(session, tab=tab, username=username)
    if typing:
        was_typing = (
            presence.typing_since is not None and presence.typing_since > now - ttl
        )
        presence.typing_since = now
        return TypingChange(presence.room, news=not was_typing)
    stopped = stop_typing(session, room=presence.room, username=presence.username)
    return TypingChange(presence.room, news=stopped)


def _users_tab(session: Session, *, tab: str, username: str) -> Presence:
    """A tab's presence, its user's turn taken, if it is this user's tab in a room.

    Raises:
        NotInRoomError: If the tab is in no room, or not as this user.
    """
    presence = _own_tab(session, tab)
    if presence is None or presence.username != username:
        raise NotInRoomError()
    return presence


def tab_room(session: Session, *, tab: str, username: str) -> str:
    """The room a user's tab is in, its user's turn taken (see ``take_turn``).

    Args:
        session: The database session.
        tab: The tab's id.
        username: The tab's verified user.

    Returns:
        The room's slug.

    Raises:
        NotInRoomError: If the tab is in no room, or not as this user.
    """
    return _users_tab(session, tab=tab, username=username).room


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
