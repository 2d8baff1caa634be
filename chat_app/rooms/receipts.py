"""Read receipts over the database: reports written, authors' "seen" marks, who saw.

Tabs report how far they read; each process gathers the reports and writes
them together (``record_reads``) through ``read_marks.mark_reads``, the one
place a mark moves. What the authors of the messages read are told is
worked out here too: the highest of their messages someone else saw, by room.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, exists, or_, select

from chat_app.db import reads, take_turn
from chat_app.domain.errors import ChatError
from chat_app.domain.receipts import PendingReport, SeenBy, seen_by
from chat_app.models import Membership, Message, Presence, ReadMark, ReadSpan
from chat_app.rooms.read_marks import Advance, Read, latest_by_room, mark_reads
from chat_app.rooms.reading import find_message


@dataclass(frozen=True)
class Recorded:
    """What a flush of read reports changed, and whom to tell.

    Attributes:
        last_read: Each reader whose mark moved: their marks in every room
            (for their other tabs' unread counts).
        skip: For a reader whose marks moved from one tab only: that tab's
            socket (it knows already).
        seen: Each author of a message newly read by someone else: their
            "seen" marks in every room.
        refused: Reports of tabs no longer in a room as that user (dropped).
    """

    last_read: dict[str, dict[str, int]]
    skip: dict[str, str]
    seen: dict[str, dict[str, int]]
    refused: int = 0


def record_reads(
    session: Session,
    *,
    reports: dict[str, PendingReport],
    now: float,
    configured: Sequence[str],
    read_elsewhere: Iterable[Advance] = (),
    also_tell: Iterable[str] = (),
) -> Recorded:
    """Write tabs' reports of how far they read, all in one transaction.

    Each tab's room is the one the database has it in, as its verified user;
    a tab that left (or never entered) counts for nothing.

    Args:
        session: The database session.
        reports: What each tab reported last, by tab id.
        now: The time now, in seconds since the epoch.
        configured: The configured rooms' slugs.
        read_elsewhere: Stretches read meanwhile by arriving and leaving
            (already written): their authors are told too.
        also_tell: Authors to tell in any case (their telling was put off).

    Returns:
        What changed.
    """
    if not reports:
        seen = authors_told(session, advances=read_elsewhere, also=also_tell)
        return Recorded(last_read={}, skip={}, seen=seen)
    readers = sorted({report.username for report in reports.values()})
    for username in readers:  # in one order everywhere: nobody waits in a cycle
        take_turn(session, f"user:{username}")
    where = {
        tab: room
        for tab, room, username in session.exec(
            select(Presence.tab, Presence.room, Presence.username).where(
                col(Presence.tab).in_(list(reports))
            )
        )
        if username == reports[tab].username
    }
    found = sorted(
        (report.username, where[tab], report.number, report.sid)
        for tab, report in reports.items()
        if tab in where
    )
    advances = mark_reads(
        session,
        reads=[Read(username, room, number) for username, room, number, _ in found],
        now=now,
        latest=latest_by_room(session, rooms=sorted({room for _, room, _, _ in found})),
    )
    # Which tabs read what moved: a reader's only such tab knows already.
    moved = {(advance.username, advance.room) for advance in advances}
    tabs_by_reader: dict[str, set[str]] = {}
    for username, room, _, sid in found:
        if (username, room) in moved:
            tabs_by_reader.setdefault(username, set()).add(sid)
    return Recorded(
        last_read=marks_of(
            session, usernames=sorted(tabs_by_reader), configured=configured
        ),
        skip={user: sid for user, (sid, *more) in tabs_by_reader.items() if not more},
        seen=authors_told(
            session,
            advances=[*read_elsewhere, *advances],
            also=also_tell,
        ),
        refused=len(reports) - len(where),
    )


def marks_of(
    session: Session, *, usernames: list[str], configured: Sequence[str]
) -> dict[str, dict[str, int]]:
    """Some users' read marks in the conversations they belong to, in one query.

    Args:
        session: The database session.
        usernames: The users.
        configured: The configured rooms' slugs (0 when never read).

    Returns:
        Username to slug to the last read number.
    """
    found: dict[str, dict[str, int]] = {
        name: dict.fromkeys(configured, 0) for name in usernames
    }
    belongs = exists().where(
        col(Membership.room) == col(ReadMark.room),
        col(Membership.username) == col(ReadMark.username),
    )
    if usernames:
        for username, room, seq in session.exec(
            select(ReadMark.username, ReadMark.room, ReadMark.last_read_seq).where(
                col(ReadMark.username).in_(usernames),
                or_(col(ReadMark.room).in_(list(configured)), belongs),
            )
        ):
            found[username][room] = seq
    return found


def authors_told(
    session: Session,
    *,
    advances: Iterable[Advance],
    also: Iterable[str] = (),
) -> dict[str, dict[str, int]]:
    """The authors of messages newly read by someone else, with their "seen" marks.

    Every such author is told, even when their highest seen message stays
    the same: the list of who saw it grew. Their marks cover the rooms where
    they were read and the room their tabs are in (a user is in one room at a
    time, and a page shows the mark of its own room only).

    Args:
        session: The database session.
        advances: The stretches newly read.
        also: Authors to tell in any case.

    Returns:
        Author to their "seen" marks (see :func:`seen_marks`).
    """
    # One query a room, over every stretch read there: at 500 members a flush
    # holds 500 stretches of the same few messages.
    by_room: dict[str, list[Advance]] = {}
    for advance in advances:
        by_room.setdefault(advance.room, []).append(advance)
    rooms_of: dict[str, set[str]] = {author: set() for author in also}
    for room, read in by_room.items():
        readers = {advance.username for advance in read}
        found = session.exec(
            select(Message.author)
            .where(
                Message.room == room,
                col(Message.seq).between(
                    min(advance.first_seq for advance in read),
                    max(advance.last_seq for advance in read),
                ),
            )
            .distinct()
        ).all()
        # An author whose messages only they read themselves is not told.
        for author in found:
            if readers - {author}:
                rooms_of.setdefault(author, set()).add(room)
    if not rooms_of:
        return {}
    where = dict(
        session.exec(
            select(Presence.username, Presence.room).where(
                col(Presence.username).in_(sorted(rooms_of))
            )
        ).all()
    )
    return {
        author: seen_marks(
            session,
            username=author,
            rooms=sorted(rooms | ({where[author]} if author in where else set())),
        )
        for author, rooms in sorted(rooms_of.items())
    }


def seen_marks(session: Session, *, username: str, rooms: list[str]) -> dict[str, int]:
    """The highest of a user's messages someone else saw, in each room.

    Their page shows ✓✓ on their messages up to it. Read newest first through
    the author's own messages (an index), so a busy author costs a few rows.

    Args:
        session: The database session.
        username: The author.
        rooms: Every room's slug.

    Returns:
        Slug to the number (0 when none was seen).
    """
    marks = {}
    for room in rooms:
        covered = exists().where(
            col(ReadSpan.room) == room,
            col(ReadSpan.username) != username,
            col(ReadSpan.first_seq) <= Message.seq,
            col(ReadSpan.last_seq) >= Message.seq,
        )
        marks[room] = (
            session.exec(
                select(Message.seq)
                .where(Message.author == username, Message.room == room, covered)
                .order_by(col(Message.sent_at_ms).desc(), col(Message.seq).desc())
                .limit(1)
            ).first()
            or 0
        )
    return marks


@reads
def who_saw(
    session: Session, *, room: str, username: str, number: object, shown: int
) -> SeenBy:
    """Who saw one of a user's messages, and when.

    Args:
        session: The database session.
        room: The room the tab is in (the server's, never an argument).
        username: The verified user asking.
        number: The message's number, as the client sent it.
        shown: How many readers to list by name.

    Returns:
        The readers (the author not among them).

    Raises:
        MessageNotFoundError: If the room has no such message.
        ChatError: If someone else wrote it, or it was deleted.
    """
    row = find_message(session, room=room, number=number)
    if row.deleted_at_ms is not None:
        raise ChatError("That message was deleted.")
    if row.author != username:
        raise ChatError("Only its author sees who saw a message.")
    spans = session.exec(
        select(ReadSpan.username, ReadSpan.at_ms).where(
            ReadSpan.room == room,
            col(ReadSpan.first_seq) <= row.seq,
            col(ReadSpan.last_seq) >= row.seq,
        )
    ).all()
    return seen_by(
        number=row.seq,
        author=row.author,
        sent_at_ms=row.sent_at_ms,
        spans=spans,
        shown=shown,
    )
