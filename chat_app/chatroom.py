"""Rooms in the database: who is where, who is typing, the messages.

Plain functions over an explicit database session and clock, without Reflex. The
database is the one place every backend process agrees on, so presence works the
same with one process or many.
"""

from dataclasses import dataclass

from sqlalchemy import case, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from chat_app.db import take_turn
from chat_app.domain.errors import ChatError
from chat_app.domain.messages import (
    AttachedFile,
    ChatMessage,
    block_number,
    continues_previous,
    first_seq_of,
    ring,
    slot_of,
    window_start,
)
from chat_app.domain.throttle import seconds_to_wait
from chat_app.models import Attachment, Message, Presence, ReadMark, RoomSequence

TYPING_TTL_SECONDS = 6.0


class RateLimitedError(ChatError):
    """The sender sent too many messages too fast."""


@dataclass(frozen=True)
class RoomView:
    """Everything a tab shows of a room when it arrives.

    Attributes:
        members: Who is there.
        typists: Who is typing.
        blocks: The live window's ring.
        head: The ring slot of the newest block.
        first_unread: The first message the user had not read (0 for none),
            where the "new messages" divider goes.
        oldest: The sequence number of the oldest message in the window.
        latest: Each room's latest sequence number.
        last_read: How far the user has read each room.
    """

    members: list[str]
    typists: list[str]
    blocks: list[list[ChatMessage]]
    head: int
    first_unread: int
    oldest: int
    latest: dict[str, int]
    last_read: dict[str, int]


@dataclass(frozen=True)
class Departure:
    """What changed when a tab left its room."""

    room: str
    username: str
    members: list[str]
    typists: list[str]
    user_left: bool


def _to_message(row: Message, previous: Message | None) -> ChatMessage:
    previous_message = _to_message(previous, None) if previous else None
    attached = [AttachedFile(**item) for item in row.attachments or []]
    return ChatMessage(
        id=row.seq,
        author=row.author,
        text=row.text,
        sent_at_ms=row.sent_at_ms,
        continues=continues_previous(previous_message, row.author, row.sent_at_ms),
        previous_sent_at_ms=previous.sent_at_ms if previous else 0,
        images=[item for item in attached if item.kind == "image"],
        files=[item for item in attached if item.kind != "image"],
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


def leave(session: Session, *, tab: str, now: float) -> Departure | None:
    """Take a tab out of its room.

    Args:
        session: The database session.
        tab: The tab's id.
        now: The current time.

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
    present = members(session, room)
    return Departure(
        room=room,
        username=username,
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
    presence = _own_tab(session, tab)
    if presence is None:
        return None
    before = typists(session, presence.room, now=now)
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
        latest: Each room's latest sequence number, for unread counters.
    """

    message: ChatMessage
    slot: int
    block: list[ChatMessage]
    typists: list[str] | None
    latest: dict[str, int]


def _next_seq(session: Session, room: str) -> int:
    """Give out the room's next message number, holding its counter until commit."""
    # Never behind the room's messages, even if something wrote one without the
    # counter (an older version during a rolling deploy).
    stored = (
        select(func.coalesce(func.max(Message.seq), 0))
        .where(Message.room == room)
        .scalar_subquery()
    )
    last = col(RoomSequence.last_seq)
    bump = (
        update(RoomSequence)
        .where(col(RoomSequence.room) == room)
        .values(last_seq=case((last > stored, last), else_=stored) + 1)
        .returning(last)
    )
    seq = session.exec(bump).scalar_one_or_none()
    if seq is not None:
        return seq
    try:
        # The room's first message: create its counter (once, whoever is first).
        with session.begin_nested():
            session.add(RoomSequence(room=room, last_seq=0))
    except IntegrityError:
        pass  # a concurrent first message created it
    return session.exec(bump).scalar_one()


def post(
    session: Session,
    *,
    room: str,
    author: str,
    text: str,
    now_ms: int,
    rooms: list[str] | None = None,
    attachment_urls: list[object] | None = None,
    max_attachments: int = 10,
    rate_limit: int = 10,
    rate_window_seconds: float = 10,
) -> Posted:
    """Store a message and stop its author's typing.

    Args:
        session: The database session (writers are serialised by the database).
        room: The room's slug.
        author: The verified sender.
        text: The validated text.
        now_ms: The current time in milliseconds.
        rooms: Every room's slug, for the latest numbers (this room by default).
        attachment_urls: Links to the author's own uploads the message carries.
        max_attachments: The most attachments one message may carry.
        rate_limit: Messages one user may send...
        rate_window_seconds: ...within this many seconds, in all rooms.

    Returns:
        What was stored and what changed.

    Raises:
        RateLimitedError: If the author already sent ``rate_limit`` messages
            within the window.
        ChatError: If an attachment is not one of the author's uploads.
    """
    take_turn(session, f"user:{author}")  # the rate limit counts one at a time
    attachments = owned_attachments(
        session,
        attachment_urls or [],
        owner=author,
        limit=max_attachments,
        now=now_ms / 1000,
    )
    window_ms = int(rate_window_seconds * 1000)
    recent = session.exec(
        select(Message.sent_at_ms).where(
            Message.author == author, Message.sent_at_ms > now_ms - window_ms
        )
    ).all()
    wait = seconds_to_wait(
        [at / 1000 for at in recent],
        now=now_ms / 1000,
        limit=rate_limit,
        window=rate_window_seconds,
    )
    if wait:
        raise RateLimitedError(
            f"Slow down: at most {rate_limit} messages in {rate_window_seconds:g} s. "
            f"You can send again in {wait} s."
        )
    seq = _next_seq(session, room)
    previous = session.exec(
        select(Message).where(Message.room == room, Message.seq == seq - 1)
    ).first()
    row = Message(
        room=room,
        seq=seq,
        author=author,
        text=text,
        sent_at_ms=now_ms,
        attachments=attachments,
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
        latest=latest_by_room(session, rooms or [room]),
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
    session: Session,
    *,
    now: float,
    stale_after: float,
    typing_ttl: float = TYPING_TTL_SECONDS,
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
        typists={room: typists(session, room, now=now) for room in typing_rooms},
    )


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


def latest_by_room(session: Session, rooms: list[str]) -> dict[str, int]:
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


def read_marks(session: Session, username: str, rooms: list[str]) -> dict[str, int]:
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


def read_state(
    session: Session, username: str, rooms: list[str]
) -> tuple[dict[str, int], dict[str, int]]:
    """Each room's latest number and how far the user has read it.

    Args:
        session: The database session.
        username: The user.
        rooms: The rooms' slugs.

    Returns:
        The latest numbers and the read marks, by slug.
    """
    return latest_by_room(session, rooms), read_marks(session, username, rooms)


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
    mark.last_read_seq = latest_seq(session, room)
    session.add(mark)


def history(session: Session, room: str, first: int, last: int) -> list[ChatMessage]:
    """A room's messages from one sequence number to another, oldest first.

    Args:
        session: The database session.
        room: The room's slug.
        first: The first sequence number.
        last: The last sequence number.

    Returns:
        The messages.
    """
    return _messages_from(session, room, max(1, first), last) if last >= 1 else []


def view(
    session: Session, room: str, *, username: str, rooms: list[str], now: float
) -> RoomView:
    """What a tab arriving in a room is shown; the user has now read the room.

    Args:
        session: The database session.
        room: The room's slug.
        username: The arriving user.
        rooms: Every room's slug, for the unread counters.
        now: The current time.

    Returns:
        Members, typists, the live window and the read state.
    """
    take_turn(session, f"user:{username}")
    latest = latest_by_room(session, rooms)
    if not session.exec(select(ReadMark).where(ReadMark.username == username)).first():
        # A new user starts with everything read: counters count from now on.
        for other in rooms:
            mark_read(session, username=username, room=other)
        session.flush()
    marks = read_marks(session, username, rooms)
    start = window_start(latest.get(room, 0))
    blocks, head = ring(_messages_from(session, room, start))
    read_up_to = marks.get(room, 0)
    mark_read(session, username=username, room=room)
    session.flush()
    marks[room] = latest.get(room, 0)
    return RoomView(
        members=members(session, room),
        typists=typists(session, room, now=now),
        blocks=blocks,
        head=head,
        first_unread=read_up_to + 1 if latest.get(room, 0) > read_up_to else 0,
        oldest=start,
        latest=latest,
        last_read=marks,
    )


def record_attachments(
    session: Session,
    files: list[tuple[str, str, str, str, int]],
    *,
    owner: str,
    now: float,
) -> list[dict[str, object]]:
    """Record received files as the owner's attachments.

    Args:
        session: The database session.
        files: (stored name, original name, kind, content type, size) per file.
        owner: The uploader's username.
        now: The current time.

    Returns:
        The public descriptions, in order.
    """
    rows = [
        Attachment(
            stored_name=stored,
            original_name=original,
            kind=kind,
            content_type=content_type,
            size=size,
            owner=owner,
            created_at=now,
        )
        for stored, original, kind, content_type, size in files
    ]
    session.add_all(rows)
    session.flush()
    return [row.public() for row in rows]


def owned_attachments(
    session: Session, urls: list[object], *, owner: str, limit: int, now: float
) -> list[dict[str, object]]:
    """The attachments a message may carry: the sender's own uploads only.

    They are marked as sent (if not yet), so the cleanup of unsent uploads never
    takes them; the update locks them against a cleanup running at that moment.

    Args:
        session: The database session.
        urls: The ``/static/<name>`` links the client sent.
        owner: The verified sender.
        limit: The most attachments one message may carry.
        now: The current time, seconds since the epoch.

    Returns:
        Their public descriptions, in the order sent.

    Raises:
        ChatError: If there are too many, or a link is not one of the sender's.
    """
    if len(urls) > limit:
        raise ChatError(f"A message carries at most {limit} files.")
    names = []
    for url in urls:
        if not isinstance(url, str) or not url.startswith("/static/"):
            raise ChatError("That attachment is not one of your uploads.")
        names.append(url.removeprefix("/static/"))
    if not names:
        return []
    mine = (col(Attachment.stored_name).in_(names), col(Attachment.owner) == owner)
    session.exec(
        update(Attachment)
        .where(*mine, col(Attachment.sent_at).is_(None))
        .values(sent_at=now)
    )
    rows = {
        row.stored_name: row for row in session.exec(select(Attachment).where(*mine))
    }
    if any(name not in rows for name in names):
        raise ChatError("That attachment is not one of your uploads.")
    return [rows[name].public() for name in names]


def expire_unsent_uploads(
    session: Session, *, now: float, older_than: float
) -> list[str]:
    """Forget uploads that no message carried within ``older_than`` seconds.

    Args:
        session: The database session.
        now: The current time, seconds since the epoch.
        older_than: How long an unsent upload is kept.

    Returns:
        The stored names whose files the caller should delete (after commit).
    """
    expired = session.exec(
        delete(Attachment)
        .where(
            col(Attachment.sent_at).is_(None),
            col(Attachment.created_at) < now - older_than,
        )
        .returning(col(Attachment.stored_name))
    )
    return list(expired.scalars())


def attachment(session: Session, stored: str) -> Attachment | None:
    """Look an upload up by its stored name.

    Args:
        session: The database session.
        stored: The stored name.

    Returns:
        The attachment, or None.
    """
    return session.exec(
        select(Attachment).where(Attachment.stored_name == stored).limit(1)
    ).first()
