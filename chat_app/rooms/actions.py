"""What people do with a sent message: edit, delete, react.

Every action names a message by its number in the room the acting tab is in
(checked in the same transaction), counts toward its author's rate limit like a
message, and returns what changed: the message as its readers now see it and,
when its text changed, the replies in the live window quoting it, so each is
sent to the room as one small update.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlmodel import Session, col, select

from chat_app.db import take_turn
from chat_app.domain.actions import (
    MessageNotFoundError,
    check_author,
    check_edit_window,
    check_reaction_room,
    valid_emoji,
)
from chat_app.domain.errors import ChatError
from chat_app.domain.messages import ChatMessage, window_start
from chat_app.domain.moderation import is_admin
from chat_app.models import Attachment, LoginFailure, Mention, Message, Reaction
from chat_app.rooms import presence
from chat_app.rooms.conversations import check_writable
from chat_app.rooms.mentions import store_mentions
from chat_app.rooms.messages import action_key, check_rate
from chat_app.rooms.moderation import record, writing_allowed
from chat_app.rooms.read_marks import latest_seq
from chat_app.rooms.reading import blocks_of, find_message
from chat_app.settings import Settings

# The most replies of a changed message whose quote is updated live (the
# latest ones); any others show the change when next loaded.
MAX_REPLIES_TOLD = 200


@dataclass(frozen=True)
class Changed:
    """A message that changed, and everything its room must be told.

    Attributes:
        room: The room's slug.
        blocks: The blocks (by number) holding the changed message and the
            replies in the live window quoting it, as shown now.
        older_replies: Replies quoting it above the live window (some tabs
            hold them in older pages).
        latest: The room's latest number (which messages are in the live window).
        mentioned: The people whose mention marks may have changed.
        removed_files: Stored names of uploads to delete from disk after commit.
        read_at_us: When the blocks were read, in microseconds (see ``Posted``).
    """

    room: str
    blocks: dict[int, list[ChatMessage]]
    latest: int
    older_replies: list[int] = field(default_factory=list)
    mentioned: list[str] = field(default_factory=list)
    removed_files: list[str] = field(default_factory=list)
    read_at_us: int = 0


def count_action(session: Session, *, username: str, now_ms: int, settings: Settings):
    """Count an action toward its author's rate limit, or refuse it.

    Messages and actions share one limit (``message_rate_limit`` per
    ``message_rate_window_seconds``): a burst of reactions slows down like a
    burst of messages.

    Args:
        session: The database session (the user's turn already taken).
        username: The verified user.
        now_ms: The time now.
        settings: The limit.

    Raises:
        RateLimitedError: If the user is over the limit (nothing counted).
    """
    check_rate(session, author=username, now_ms=now_ms, settings=settings)
    session.add(LoginFailure(key=action_key(username), at=now_ms / 1000))


def _acting(
    session: Session,
    *,
    tab: str,
    username: str,
    number: object,
    clock: Callable[[], float],
    settings: Settings,
    own: bool = False,
    moderator: bool = False,
    writes: bool = False,
) -> tuple[Message, int]:
    """The message a tab's action is about, the action counted; and the time.

    With ``own``, only its author (or, as ``moderator``, an administrator) may
    act on it, and not once it is deleted. An action that ``writes`` (an edit,
    a reaction) is refused while the user is muted.
    """
    # The user's turn (``tab_room``), then the message's: the same order as a
    # reply's, and the rate limit counts one action of the user at a time.
    room = presence.tab_room(session, tab=tab, username=username)
    row = find_message(session, room=room, number=number)
    if not (moderator and row.author != username):
        # An archived room's messages stay as they are, but abuse in it goes.
        check_writable(session, room=room)
    # Actions on one message take turns, so each reads what the last one wrote.
    take_turn(session, f"message:{room}:{row.seq}")
    session.refresh(row)
    if own:
        check_author(
            author=row.author,
            user=username,
            deleted=row.deleted_at_ms is not None,
            moderator=moderator,
        )
    now_ms = int(clock() * 1000)
    if writes:
        writing_allowed(session, username=username, now_ms=now_ms)
    count_action(session, username=username, now_ms=now_ms, settings=settings)
    return row, now_ms


def _changed(
    session: Session,
    row: Message,
    clock: Callable[[], float],
    *,
    quoted: bool = False,
    mentioned: set[str] | None = None,
    removed: Sequence[str] = (),
) -> Changed:
    """What the room is told after a message changed: it, and its quoters.

    When ``quoted`` (what a quote of it shows changed), the latest replies
    quoting it come too: those the live window holds as blocks, the others for
    the tabs holding them in older pages.
    """
    session.flush()
    latest = latest_seq(session, room=row.room)
    replies = (
        session.exec(
            select(Message.seq)
            .where(Message.room == row.room, Message.reply_to == row.seq)
            .order_by(col(Message.seq).desc())
            .limit(MAX_REPLIES_TOLD)
        ).all()
        if quoted
        else []
    )
    start = window_start(latest)
    return Changed(
        room=row.room,
        blocks=blocks_of(
            session, room=row.room, seqs=[row.seq, *(s for s in replies if s >= start)]
        ),
        older_replies=sorted(s for s in replies if s < start),
        latest=latest,
        mentioned=sorted(mentioned or ()),
        removed_files=list(removed),
        read_at_us=int(clock() * 1_000_000),
    )


def edit(
    session: Session,
    *,
    tab: str,
    username: str,
    number: object,
    text: str,
    clock: Callable[[], float],
    settings: Settings,
) -> Changed | None:
    """Change the text of one's own message (its files stay as they were).

    Args:
        session: The database session.
        tab: The acting tab (its room is where the message must be).
        username: The verified user.
        number: The message's number, as the client sent it.
        text: The validated new text ("" only for a message with files).
        clock: The time now.
        settings: The edit window and the rate limit.

    Returns:
        What changed; None when the text is the same.

    Raises:
        MessageNotFoundError: If the room has no such message (or it was deleted).
        MutedError: If an administrator muted the user (nothing changes).
        ChatError: If the user did not write it, it is too old to edit, or it
            would be left empty.
    """
    row, now_ms = _acting(
        session,
        tab=tab,
        username=username,
        number=number,
        clock=clock,
        settings=settings,
        own=True,
        writes=True,
    )
    check_edit_window(
        sent_at_ms=row.sent_at_ms,
        now_ms=now_ms,
        window_seconds=settings.edit_window_seconds,
    )
    if not text and not row.attachments:
        raise ChatError("An empty message is not sent.")
    if text == row.text:
        return None
    row.text = text
    row.edited_at_ms = now_ms
    session.add(row)
    mentioned = store_mentions(
        session, room=row.room, seq=row.seq, text=text, author=username
    )
    return _changed(session, row, clock, quoted=True, mentioned=mentioned)


def remove(
    session: Session,
    *,
    tab: str,
    username: str,
    number: object,
    clock: Callable[[], float],
    settings: Settings,
) -> Changed:
    """Delete one's own message: its text, files, reactions and mentions go.

    The row stays (as "deleted"), so numbering, order and grouping stay, and
    replies can say what they quoted is gone. An administrator removes anyone's
    message the same way: it shows as removed by moderation, and the removal is
    recorded in the moderation log.

    Args:
        session: The database session.
        tab: The acting tab.
        username: The verified user.
        number: The message's number, as the client sent it.
        clock: The time now.
        settings: The rate limit.

    Returns:
        What changed, with the stored names of its files to delete from disk.

    Raises:
        MessageNotFoundError: If the room has no such message (or it was deleted).
        ChatError: If the user did not write it (and is no administrator).
    """
    row, now_ms = _acting(
        session,
        tab=tab,
        username=username,
        number=number,
        clock=clock,
        settings=settings,
        own=True,
        moderator=is_admin(username, settings.admins),
    )
    if row.author != username:
        row.removed_by = username
        record(
            session,
            admin=username,
            action="delete",
            target=row.author,
            now_ms=now_ms,
            room=row.room,
            seq=row.seq,
        )
    names = [
        str(item.get("url", "")).removeprefix("/static/")
        for item in row.attachments or []
    ]
    removed = (
        session.exec(
            delete(Attachment)
            .where(
                col(Attachment.stored_name).in_(names),
                col(Attachment.owner) == row.author,
            )
            .returning(col(Attachment.stored_name))
        )
        .scalars()
        .all()
        if names
        else []
    )
    row.text = ""
    row.attachments = []
    row.deleted_at_ms = now_ms
    session.add(row)
    session.exec(
        delete(Reaction).where(
            col(Reaction.room) == row.room, col(Reaction.seq) == row.seq
        )
    )
    mentioned = set(
        session.exec(
            select(Mention.username).where(
                Mention.room == row.room, Mention.seq == row.seq
            )
        ).all()
    )
    session.exec(
        delete(Mention).where(
            col(Mention.room) == row.room, col(Mention.seq) == row.seq
        )
    )
    return _changed(
        session, row, clock, quoted=True, mentioned=mentioned, removed=removed
    )


def react(
    session: Session,
    *,
    tab: str,
    username: str,
    number: object,
    emoji: object,
    clock: Callable[[], float],
    settings: Settings,
) -> Changed:
    """Add one's reaction to a message, or take it back if it was there.

    Args:
        session: The database session.
        tab: The acting tab (only people in the message's room react).
        username: The verified user.
        number: The message's number, as the client sent it.
        emoji: The reaction, as the client sent it.
        clock: The time now.
        settings: The most distinct reactions per message, and the rate limit.

    Returns:
        What changed.

    Raises:
        MessageNotFoundError: If the room has no such message (or it was deleted).
        MutedError: If an administrator muted the user (nothing changes).
        ChatError: If it is not one emoji, or the message has as many kinds of
            reaction as allowed.
    """
    value = valid_emoji(emoji)
    row, now_ms = _acting(
        session,
        tab=tab,
        username=username,
        number=number,
        clock=clock,
        settings=settings,
        writes=True,
    )
    if row.deleted_at_ms is not None:
        raise MessageNotFoundError()
    reactions = session.exec(
        select(Reaction).where(Reaction.room == row.room, Reaction.seq == row.seq)
    ).all()
    mine = next(
        (r for r in reactions if r.username == username and r.emoji == value), None
    )
    if mine is not None:
        session.delete(mine)
    else:
        check_reaction_room(
            distinct={r.emoji for r in reactions},
            emoji=value,
            limit=settings.max_reactions_per_message,
        )
        session.add(
            Reaction(
                room=row.room, seq=row.seq, username=username, emoji=value, at_ms=now_ms
            )
        )
    return _changed(session, row, clock)
