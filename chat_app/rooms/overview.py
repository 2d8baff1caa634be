"""A person's list of conversations, each with its latest message."""

import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from chat_app.db import reads
from chat_app.domain.attention import PREVIEW_LENGTH, preview_of
from chat_app.domain.rooms import Room
from chat_app.models import Message, RoomSequence
from chat_app.rooms.conversations import listing, public_rooms
from chat_app.rooms.members import present


@dataclass(frozen=True)
class Overview:
    """One line of a person's list of conversations.

    Attributes:
        slug: The conversation's slug.
        name: Its name, as the person sees it.
        kind: ``room`` or ``direct``.
        peer: For a direct conversation, the other person's username.
        pinned: A configured room.
        private: Only its members see it.
        n: Its latest message's number (0 for none).
        v: When this line was read (µs): a later version of the latest
            message than this, told since, wins (``view_vars.live_of``).
        at: When its latest message was sent (ms; 0 for none).
        by: That message's author.
        text: A short plain preview of it.
        online: For a direct conversation, whether the other person has a tab
            open in the chat.
    """

    slug: str
    name: str
    kind: str
    peer: str
    pinned: bool
    private: bool
    n: int
    v: int
    at: int
    by: str
    text: str
    online: bool = False


def latest_message_line(text: str, file_names: list[str]) -> str:
    """The preview of a conversation's latest message (its text, or its files).

    Args:
        text: Its text.
        file_names: Its attachments' names.

    Returns:
        A short plain line.
    """
    if text.strip():
        return preview_of(text, PREVIEW_LENGTH)
    return preview_of(" ".join(f"📎 {name}" for name in file_names), PREVIEW_LENGTH)


@reads
def overview(
    session: Session, *, username: str, configured: tuple[Room, ...]
) -> list[Overview]:
    """A person's conversations with their latest message, for the sidebar.

    Args:
        session: The database session.
        username: The user.
        configured: The configured rooms.

    Returns:
        The configured rooms first, then the rest (the page orders them).
    """
    places = listing(session, username=username, configured=configured)
    slugs = [place.slug for place in places]
    latest = {
        room: (seq, at)
        for room, seq, at in session.exec(
            select(
                RoomSequence.room, RoomSequence.last_seq, RoomSequence.last_at_ms
            ).where(col(RoomSequence.room).in_(slugs))
        ).all()
    }
    keys = [(room, seq) for room, (seq, _) in latest.items() if seq]
    last: dict[str, tuple[str, str]] = {}
    if keys:
        rows = session.exec(
            select(Message).where(
                sa.tuple_(col(Message.room), col(Message.seq)).in_(keys)
            )
        ).all()
        for row in rows:
            gone = row.deleted_at_ms is not None
            line = (
                ""
                if gone
                else latest_message_line(
                    row.text, [str(file.get("name", "")) for file in row.attachments]
                )
            )
            last[row.room] = (row.author, line)
    read_at_us = time.time_ns() // 1000
    here = present(session, usernames=[place.peer for place in places if place.peer])
    return [
        Overview(
            slug=place.slug,
            name=place.name,
            kind=place.kind,
            peer=place.peer,
            pinned=place.pinned,
            private=place.private,
            n=latest.get(place.slug, (0, 0))[0],
            v=read_at_us,
            at=latest.get(place.slug, (0, 0))[1],
            by=last.get(place.slug, ("", ""))[0],
            text=last.get(place.slug, ("", ""))[1],
            online=place.peer in here,
        )
        for place in places
    ]


@reads
def joinable(session: Session, *, username: str) -> list[Overview]:
    """Public rooms a person has not joined, for the new-room dialog.

    Args:
        session: The database session.
        username: The user.

    Returns:
        Them, newest first (no latest message: the person is not in them).
    """
    return [
        Overview(
            slug=room.slug,
            name=room.name,
            kind=room.kind,
            peer="",
            pinned=False,
            private=False,
            n=0,
            v=0,
            at=0,
            by="",
            text=room.topic,
        )
        for room in public_rooms(session, username=username)
    ]
