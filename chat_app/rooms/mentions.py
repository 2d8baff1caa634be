"""Who a message mentions (``@username``), for their "@" marks.

A mention counts only for a real account other than the author's who may read
the conversation (a private one's members only). A person's
mark for a room is the latest message there that mentions them: the room shows
"@" while that message is above their read mark.
"""

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from chat_app.db import reads
from chat_app.domain import markup
from chat_app.domain.actions import MAX_MENTIONS
from chat_app.models import Mention, User
from chat_app.rooms.members import audience


def store_mentions(
    session: Session, *, room: str, seq: int, text: str, author: str
) -> set[str]:
    """Record who a message mentions (real accounts only, not its author).

    Args:
        session: The database session.
        room: The room's slug.
        seq: The message's number.
        text: Its text.
        author: Its author.

    Returns:
        The usernames mentioned before or now (whose marks may have changed).
    """
    before = set(
        session.exec(
            select(Mention.username).where(Mention.room == room, Mention.seq == seq)
        ).all()
    )
    session.exec(
        delete(Mention).where(col(Mention.room) == room, col(Mention.seq) == seq)
    )
    keys = {name.casefold() for name in markup.mention_candidates(text)}
    keys.discard(author.casefold())
    keys = set(sorted(keys)[:MAX_MENTIONS])  # each one is a row and a message
    now: set[str] = set()
    if keys:
        now = set(
            session.exec(
                select(User.username).where(col(User.username_key).in_(keys))
            ).all()
        )
        # Nobody outside a private conversation hears of it, even by name.
        readers = audience(session, room=room)
        if readers is not None:
            now &= readers
        session.add_all(Mention(room=room, seq=seq, username=name) for name in now)
    return before | now


def mention_marks(session: Session, *, username: str) -> dict[str, int]:
    """The latest message mentioning a user in each room where one does.

    Args:
        session: The database session.
        username: The user.

    Returns:
        Room slug to message number; a room shows "@" while it is above the
        user's read mark.
    """
    rows = session.exec(
        select(Mention.room, func.max(Mention.seq))
        .where(Mention.username == username)
        .group_by(col(Mention.room))
    ).all()
    return dict(rows)


@reads
def marks_of(session: Session, *, username: str) -> dict[str, int]:
    """``mention_marks`` as reading work of its own.

    Args:
        session: The database session.
        username: The user.

    Returns:
        Room slug to message number.
    """
    return mention_marks(session, username=username)
