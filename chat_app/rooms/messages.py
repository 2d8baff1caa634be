"""A room's messages: posting and numbering them, what a tab is shown, history.

Every room numbers its messages 1, 2, 3... without gaps, across processes: the
number comes from the room's counter row, held until the sender's transaction
commits.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, case, col, func, select, update

from chat_app.db import take_turn
from chat_app.domain.actions import MessageNotFoundError
from chat_app.domain.errors import ChatError
from chat_app.domain.limits import seconds_to_wait
from chat_app.domain.messages import (
    ChatMessage,
    block_number,
    first_seq_of,
    ring,
    slot_of,
    window_start,
)
from chat_app.models import LoginFailure, Message, RoomSequence
from chat_app.rooms import presence
from chat_app.rooms.conversations import check_writable, slugs_of
from chat_app.rooms.mentions import mention_marks, store_mentions
from chat_app.rooms.moderation import writing_allowed
from chat_app.rooms.read_marks import (
    Advance,
    latest_by_room,
    mark_read,
    read_marks,
    start_reading,
)
from chat_app.rooms.reading import find_message, messages_from
from chat_app.rooms.receipts import seen_marks
from chat_app.settings import Settings
from chat_app.uploads.records import owned_attachments


class RateLimitedError(ChatError):
    """The sender sent too many messages too fast."""


@dataclass(frozen=True)
class Posted:
    """A stored message and what the room's tabs must be told.

    Attributes:
        room: The room's slug.
        message: The message.
        slot: The ring slot of its block.
        block: That block's messages, the new one last.
        typists: The room's typists if the author was typing, else None.
        latest: The room's latest number (this message's), by slug.
        mentioned: The people it mentions (their marks to be sent).
        read_at_us: When the block was read, in microseconds: orders it among
            later changes to the same block.
    """

    room: str
    message: ChatMessage
    slot: int
    block: list[ChatMessage]
    typists: list[str] | None
    latest: dict[str, int]
    mentioned: list[str] = field(default_factory=list)
    read_at_us: int = 0


def _next_seq(session: Session, room: str, now_ms: int) -> int:
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
        .values(
            last_seq=case((last > stored, last), else_=stored) + 1, last_at_ms=now_ms
        )
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


def action_key(username: str) -> str:
    """The key a user's message actions are counted under (``LoginFailure`` rows).

    Args:
        username: The user.

    Returns:
        The key.
    """
    return f"action:{username}"


def check_rate(session: Session, *, author: str, now_ms: int, settings: Settings):
    """Refuse a message or action over the user's limit, saying when to try again.

    Messages and actions on messages (edits, deletions, reactions) count
    together: a burst of either slows down the same way.

    Args:
        session: The database session (the user's turn taken).
        author: The verified user.
        now_ms: The time now.
        settings: The limit and its window.

    Raises:
        RateLimitedError: If the user is at the limit.
    """
    limit, window = settings.message_rate_limit, settings.message_rate_window_seconds
    since_ms = now_ms - int(window * 1000)
    sent = session.exec(
        select(Message.sent_at_ms).where(
            Message.author == author, Message.sent_at_ms > since_ms
        )
    ).all()
    acted = session.exec(
        select(LoginFailure.at).where(
            LoginFailure.key == action_key(author), LoginFailure.at > since_ms / 1000
        )
    ).all()
    wait = seconds_to_wait(
        sorted([at / 1000 for at in sent] + list(acted)),
        now=now_ms / 1000,
        limit=limit,
        window=window,
    )
    if wait:
        raise RateLimitedError(
            "Slow down: at most {limit} messages in {window} s. "
            "You can send again in {wait} s.",
            limit=limit,
            window=format(window, "g"),
            wait=wait,
        )


def post(
    session: Session,
    *,
    room: str,
    author: str,
    text: str,
    clock: Callable[[], float],
    attachment_urls: list[object],
    settings: Settings,
    reply_to: object = None,
) -> Posted:
    """Store a message and stop its author's typing.

    Args:
        session: The database session (writers are serialised by the database).
        room: The room's slug.
        author: The verified sender.
        text: The validated text.
        clock: The time now, in seconds since the epoch; read once the author's
            turn is taken, so parallel sends are counted in the order stored.
        attachment_urls: Links to the author's own uploads the message carries.
        settings: The message rate limit, attachment count and typing expiry.
        reply_to: The number of the message of the same room it quotes, as the
            client sent it (None or 0 for none).

    Returns:
        What was stored and what changed.

    Raises:
        RateLimitedError: If the author already sent as many messages as the
            rate limit allows within its window.
        MutedError: If an administrator muted the author (nothing is stored).
        ChatError: If an attachment is not one of the author's uploads.
        MessageNotFoundError: If the quoted message is not in the room (or was
            deleted).
    """
    take_turn(session, f"user:{author}")  # the rate limit counts one at a time
    check_writable(session, room=room)
    now_ms = int(clock() * 1000)
    writing_allowed(session, username=author, now_ms=now_ms)
    attachments = owned_attachments(
        session,
        attachment_urls,
        owner=author,
        limit=settings.max_files,
        now=now_ms / 1000,
    )
    quoted = None
    if reply_to not in (None, 0):
        quoted = find_message(session, room=room, number=reply_to)
        # After a deletion of it commits, or before it starts: never beside it.
        take_turn(session, f"message:{room}:{quoted.seq}")
        session.refresh(quoted)
        if quoted.deleted_at_ms is not None:
            raise MessageNotFoundError()
    check_rate(session, author=author, now_ms=now_ms, settings=settings)
    seq = _next_seq(session, room, now_ms)
    row = Message(
        room=room,
        seq=seq,
        author=author,
        text=text,
        sent_at_ms=now_ms,
        attachments=attachments,
        reply_to=quoted.seq if quoted else None,
    )
    session.add(row)
    mentioned = store_mentions(session, room=room, seq=seq, text=text, author=author)
    was_typing = presence.stop_typing(session, room=room, username=author)
    session.flush()
    block = block_number(row.seq)
    shown = messages_from(session, room, first_seq_of(block), row.seq)
    return Posted(
        room=room,
        message=shown[-1],
        slot=slot_of(block),
        block=shown,
        typists=presence.typists(
            session, room, now=now_ms / 1000, ttl=settings.typing_ttl_seconds
        )
        if was_typing
        else None,
        latest={room: seq},
        mentioned=sorted(mentioned),
        read_at_us=int(clock() * 1_000_000),
    )


def post_from_tab(
    session: Session,
    *,
    tab: str,
    author: str,
    text: str,
    clock: Callable[[], float],
    attachment_urls: list[object],
    settings: Settings,
    reply_to: object = None,
) -> Posted:
    """Store a message in the room the author's tab is in, checked in the same step.

    Args:
        session: The database session.
        tab: The sending tab's id.
        author: The verified sender.
        text: The validated text.
        clock: The time now (see :func:`post`).
        attachment_urls: Links to the author's own uploads the message carries.
        settings: The limits (see :func:`post`).
        reply_to: The message it quotes (see :func:`post`).

    Returns:
        What was stored and what changed.

    Raises:
        NotInRoomError: If the tab is in no room (nothing is stored).
    """
    room = presence.tab_room(session, tab=tab, username=author)
    return post(
        session,
        room=room,
        author=author,
        text=text,
        clock=clock,
        attachment_urls=attachment_urls,
        settings=settings,
        reply_to=reply_to,
    )


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
        avatars: The members' pictures (``presence.avatars``).
        mentioned: The user's mention marks (``mentions.mention_marks``).
        seen: The highest of the user's messages someone else saw, by room.
        read: What arriving read of the room (its authors are told); None if
            nothing new.
    """

    members: list[str]
    typists: list[str]
    blocks: list[list[ChatMessage]]
    head: int
    first_unread: int
    oldest: int
    latest: dict[str, int]
    last_read: dict[str, int]
    avatars: dict[str, str] = field(default_factory=dict)
    mentioned: dict[str, int] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)
    read: Advance | None = None


def view(
    session: Session,
    *,
    room: str,
    username: str,
    configured: Sequence[str],
    now: float,
    typing_ttl: float,
    arriving: bool = True,
) -> RoomView:
    """What a tab arriving in a room is shown; the user has now read the room.

    Args:
        session: The database session.
        room: The room's slug.
        username: The arriving user.
        configured: The configured rooms' slugs (the user's other
            conversations are looked up), for the unread counters.
        now: The current time.
        typing_ttl: Seconds a typing report lasts.
        arriving: False for a tab shown the room it is in again (it
            reconnected, or the server asked it to): that reads nothing, so a
            hidden tab whose socket blinked does not read what it never showed.

    Returns:
        Members, typists, the live window and the read state.
    """
    take_turn(session, f"user:{username}")
    # The room opened counts even when no list has it (an archived one).
    rooms = [
        *dict.fromkeys(
            [*slugs_of(session, username=username, configured=configured), room]
        )
    ]
    latest = latest_by_room(session, rooms=rooms)
    start_reading(session, username=username, rooms=rooms)
    marks = read_marks(session, username=username, rooms=rooms)
    start = window_start(latest.get(room, 0))
    blocks, head = ring(messages_from(session, room, start))
    read_up_to = marks.get(room, 0)
    read = None
    if arriving:
        read = mark_read(session, username=username, room=room, now=now)
        marks[room] = latest.get(room, 0)
    session.flush()
    people = presence.roster(session, room, now=now, ttl=typing_ttl)
    return RoomView(
        members=people.members,
        typists=people.typists,
        blocks=blocks,
        head=head,
        first_unread=read_up_to + 1 if latest.get(room, 0) > read_up_to else 0,
        oldest=start,
        latest=latest,
        last_read=marks,
        avatars=people.avatars,
        mentioned=mention_marks(session, username=username),
        # The page shows the ✓✓ of its own room only.
        seen=seen_marks(session, username=username, rooms=[room]),
        read=read,
    )
