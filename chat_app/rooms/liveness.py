"""Which tabs are still there: confirmed by their process, swept when silent or ended.

Each backend process confirms the tabs whose sockets it holds; a tab nobody
confirmed for a while leaves its room, and so does a tab whose session ended
(logged out anywhere, expired, its account deleted or banned), however alive
its socket.
"""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, and_, col, or_, select, update

from chat_app.db import reads, take_turn
from chat_app.models import Presence, RevokedToken, User
from chat_app.rooms.presence import delete_tab, members, typists
from chat_app.rooms.read_marks import mark_read


def _ended(now: float) -> Any:
    """Rows of tabs whose session ended: revoked, expired, account gone or banned."""
    # Never NULL (tabs from before sessions were recorded are not ended), so
    # that its negation selects those tabs too.
    expires_at, token_id = col(Presence.token_expires_at), col(Presence.token_id)
    accounts = select(User.username)
    return or_(
        and_(expires_at.is_not(None), expires_at <= now),
        and_(token_id.is_not(None), token_id.in_(select(RevokedToken.jti))),
        # A deleted account's sessions end with it.
        and_(token_id.is_not(None), col(Presence.username).not_in(accounts)),
        # A ban ends every session of the account.
        col(Presence.username).in_(
            select(User.username).where(col(User.banned_at_ms).is_not(None))
        ),
    )


@dataclass(frozen=True)
class Sweep:
    """What the periodic presence check changed.

    Attributes:
        member_rooms: Rooms where a user left (their last tab went silent, or
            its session ended).
        typists: Rooms whose typists changed because typing expired, with the
            new lists.
        evicted_sids: Sockets of tabs whose session was revoked or expired:
            they must stop receiving their room.
    """

    member_rooms: set[str]
    typists: dict[str, list[str]]
    evicted_sids: list[str]


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


@reads
def rooms_of_sockets(session: Session, *, sids: set[str]) -> dict[str, tuple[str, str]]:
    """Which room each of these sockets' tabs is in, as the database has it.

    Args:
        session: The database session.
        sids: Socket ids.

    Returns:
        Socket id to (room, username), for the sockets whose tab is in a room.
    """
    if not sids:
        return {}
    rows = session.exec(
        select(Presence.sid, Presence.room, Presence.username).where(
            col(Presence.sid).in_(sids)
        )
    )
    return {sid: (room, username) for sid, room, username in rows}


def sweep(
    session: Session, *, now: float, stale_after: float, typing_ttl: float
) -> Sweep:
    """Drop the silent tabs and end stale typing.

    A tab whose socket was not seen for ``stale_after`` seconds (closed, or its
    network lost) leaves its room; a tab that reconnects before then stays, so
    nobody sees it leave and come back. A tab whose session was revoked (logout)
    or expired leaves too, however alive its socket. Typing older than
    ``typing_ttl`` ends.

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
    # Re-checked on each row when deleting: a tab that re-entered meanwhile (seen
    # again, or with a new session) stays.
    silent = col(Presence.seen_at) < now - stale_after
    ended = _ended(now)
    columns = (Presence.tab, Presence.room, Presence.username, Presence.sid)
    ended_rows = session.exec(select(*columns).where(ended)).all()
    silent_rows = session.exec(select(*columns).where(silent, ~ended)).all()
    leaving = [(row, ended) for row in ended_rows] + [
        (row, silent) for row in silent_rows
    ]
    gone: set[tuple[str, str]] = set()
    evicted: list[str] = []
    for username in sorted({row[2] for row, _ in leaving}):
        take_turn(session, f"user:{username}")
    for (tab, room, username, sid), condition in leaving:
        if delete_tab(session, tab, condition):
            # Read for the unread counts; not seen: the tab went silent before.
            mark_read(session, username=username, room=room, now=now, seen=False)
            gone.add((room, username))
            if condition is ended:
                evicted.append(sid)
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
        evicted_sids=evicted,
    )
