"""A room's messages: posting and numbering them, what a tab is shown, history.

Every room numbers its messages 1, 2, 3... without gaps, across processes: the
number comes from the room's counter row, held until the sender's transaction
commits.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, case, col, func, select, update

from chat_app.db import reads, take_turn
from chat_app.domain.errors import ChatError
from chat_app.domain.limits import seconds_to_wait
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
from chat_app.models import Message, RoomSequence
from chat_app.rooms import presence
from chat_app.rooms.read_marks import (
    latest_by_room,
    mark_read,
    read_marks,
    start_reading,
)
from chat_app.settings import Settings
from chat_app.uploads.records import owned_attachments


class RateLimitedError(ChatError):
    """The sender sent too many messages too fast."""


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
class Posted:
    """A stored message and what the room's tabs must be told.

    Attributes:
        room: The room's slug.
        message: The message.
        slot: The ring slot of its block.
        block: That block's messages, the new one last.
        typists: The room's typists if the author was typing, else None.
        latest: Each room's latest sequence number, for unread counters.
    """

    room: str
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


def _check_rate(session: Session, *, author: str, now_ms: int, settings: Settings):
    """Refuse a message over the author's limit, saying when they can send again."""
    limit, window = settings.message_rate_limit, settings.message_rate_window_seconds
    recent = session.exec(
        select(Message.sent_at_ms).where(
            Message.author == author, Message.sent_at_ms > now_ms - int(window * 1000)
        )
    ).all()
    wait = seconds_to_wait(
        [at / 1000 for at in recent], now=now_ms / 1000, limit=limit, window=window
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
    rooms: list[str],
    attachment_urls: list[object],
    settings: Settings,
) -> Posted:
    """Store a message and stop its author's typing.

    Args:
        session: The database session (writers are serialised by the database).
        room: The room's slug.
        author: The verified sender.
        text: The validated text.
        clock: The time now, in seconds since the epoch; read once the author's
            turn is taken, so parallel sends are counted in the order stored.
        rooms: Every room's slug, for the latest numbers.
        attachment_urls: Links to the author's own uploads the message carries.
        settings: The message rate limit, attachment count and typing expiry.

    Returns:
        What was stored and what changed.

    Raises:
        RateLimitedError: If the author already sent as many messages as the
            rate limit allows within its window.
        ChatError: If an attachment is not one of the author's uploads.
    """
    take_turn(session, f"user:{author}")  # the rate limit counts one at a time
    now_ms = int(clock() * 1000)
    attachments = owned_attachments(
        session,
        attachment_urls,
        owner=author,
        limit=settings.max_files,
        now=now_ms / 1000,
    )
    _check_rate(session, author=author, now_ms=now_ms, settings=settings)
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
    was_typing = presence.stop_typing(session, room=room, username=author)
    session.flush()
    block = block_number(row.seq)
    return Posted(
        room=room,
        message=_to_message(row, previous),
        slot=slot_of(block),
        block=_messages_from(session, room, first_seq_of(block), row.seq),
        typists=presence.typists(
            session, room, now=now_ms / 1000, ttl=settings.typing_ttl_seconds
        )
        if was_typing
        else None,
        latest=latest_by_room(session, rooms=rooms),
    )


def post_from_tab(
    session: Session,
    *,
    tab: str,
    author: str,
    text: str,
    clock: Callable[[], float],
    rooms: list[str],
    attachment_urls: list[object],
    settings: Settings,
) -> Posted:
    """Store a message in the room the author's tab is in, checked in the same step.

    Args:
        session: The database session.
        tab: The sending tab's id.
        author: The verified sender.
        text: The validated text.
        clock: The time now (see :func:`post`).
        rooms: Every room's slug, for the latest numbers.
        attachment_urls: Links to the author's own uploads the message carries.
        settings: The limits (see :func:`post`).

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
        rooms=rooms,
        attachment_urls=attachment_urls,
        settings=settings,
    )


@reads
def history(session: Session, *, room: str, first: int, last: int) -> list[ChatMessage]:
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


def view(
    session: Session,
    *,
    room: str,
    username: str,
    rooms: list[str],
    now: float,
    typing_ttl: float,
) -> RoomView:
    """What a tab arriving in a room is shown; the user has now read the room.

    Args:
        session: The database session.
        room: The room's slug.
        username: The arriving user.
        rooms: Every room's slug, for the unread counters.
        now: The current time.
        typing_ttl: Seconds a typing report lasts.

    Returns:
        Members, typists, the live window and the read state.
    """
    take_turn(session, f"user:{username}")
    latest = latest_by_room(session, rooms=rooms)
    start_reading(session, username=username, rooms=rooms)
    marks = read_marks(session, username=username, rooms=rooms)
    start = window_start(latest.get(room, 0))
    blocks, head = ring(_messages_from(session, room, start))
    read_up_to = marks.get(room, 0)
    mark_read(session, username=username, room=room)
    session.flush()
    marks[room] = latest.get(room, 0)
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
    )
