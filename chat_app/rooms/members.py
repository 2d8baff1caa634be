"""Who belongs to the stored conversations, and which of them are here."""

from collections.abc import Iterable

from sqlalchemy import and_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from chat_app.db import reads
from chat_app.domain import conversations as rules
from chat_app.models import Conversation as Stored
from chat_app.models import Membership, Presence


def is_member(session: Session, *, room: str, username: str) -> bool:
    """Whether someone belongs to a stored conversation.

    Args:
        session: The database session.
        room: The slug.
        username: The person.

    Returns:
        True for a member.
    """
    return (
        session.exec(
            select(Membership.username).where(
                Membership.room == room, Membership.username == username
            )
        ).first()
        is not None
    )


@reads
def members_of(session: Session, *, room: str) -> list[str]:
    """A stored conversation's members, by username.

    Args:
        session: The database session.
        room: The slug.

    Returns:
        Their usernames, sorted.
    """
    return sorted(
        session.exec(select(Membership.username).where(Membership.room == room)).all()
    )


@reads
def members_by_room(session: Session, *, rooms: list[str]) -> dict[str, list[str]]:
    """The members of some stored conversations, in one query.

    Args:
        session: The database session.
        rooms: Their slugs.

    Returns:
        Slug to usernames.
    """
    found: dict[str, list[str]] = {}
    for room, username in session.exec(
        select(Membership.room, Membership.username).where(
            col(Membership.room).in_(rooms)
        )
    ):
        found.setdefault(room, []).append(username)
    return found


def audience(session: Session, *, room: str) -> set[str] | None:
    """Who may read a conversation, when not everyone may.

    Args:
        session: The database session.
        room: The slug.

    Returns:
        The members' usernames for a private room or a direct conversation;
        None when anyone may read it.
    """
    row = session.get(Stored, room)
    if row is None or (row.kind == rules.ROOM and not row.private):
        return None
    return set(members_of(session, room=room))


@reads
def peers_online(
    session: Session, *, usernames: list[str]
) -> dict[str, dict[str, bool]]:
    """For each person, whether each of their direct conversations' others is here.

    Args:
        session: The database session.
        usernames: The people (those with a tab on this process).

    Returns:
        Username to the other person of each of their direct conversations, to
        whether that person has a tab open in the chat.
    """
    mine = aliased(Membership)
    theirs = aliased(Membership)
    pairs = session.exec(
        select(mine.username, theirs.username)
        .join(Stored, col(Stored.slug) == col(mine.room))
        .join(
            theirs,
            and_(
                col(theirs.room) == col(mine.room),
                col(theirs.username) != col(mine.username),
            ),
        )
        .where(Stored.kind == rules.DIRECT, col(mine.username).in_(usernames))
    ).all()
    here = present(session, usernames={peer for _, peer in pairs})
    found: dict[str, dict[str, bool]] = {}
    for username, peer in pairs:
        found.setdefault(username, {})[peer] = peer in here
    return found


def present(session: Session, *, usernames: Iterable[str]) -> set[str]:
    """Which of some people have a tab open in the chat.

    Args:
        session: The database session.
        usernames: The people.

    Returns:
        Those with a tab.
    """
    names = sorted(set(usernames))
    if not names:
        return set()
    return set(
        session.exec(
            select(Presence.username)
            .where(col(Presence.username).in_(names))
            .distinct()
        ).all()
    )
