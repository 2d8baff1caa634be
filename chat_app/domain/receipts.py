"""Read receipts: how far a reader got, the stretches they read, who saw a message.

A reader's read position in a room only moves forward and never past the
room's latest message. Each advance is a stretch (a span) read at some moment;
a stretch read soon after the previous one extends it, so reading along adds
a row a minute, not one per message. A message was seen by everyone but its
author whose stretches cover it, at the later of the stretch's time and the
message's own (a stretch extended later never dates a message before it was
sent).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from chat_app.domain.actions import is_message_number
from chat_app.domain.errors import ChatError

# A stretch read within a minute of the previous one's start extends it.
SPAN_OPEN_MS = 60_000


class ReadReportError(ChatError):
    """A tab's report of how far it has read is not a message number."""

    def __init__(self) -> None:
        super().__init__("How far a tab has read is a message number.")


def read_number(raw: object) -> int:
    """Check how far a tab says it has read.

    Args:
        raw: What the client sent.

    Returns:
        The number (from 1).

    Raises:
        ReadReportError: If it is not a positive whole number.
    """
    if not is_message_number(raw):
        raise ReadReportError()
    return raw


def read_target(*, reported: int, mark: int, latest: int) -> int | None:
    """Where a reader's mark goes after a report: forward only, never past latest.

    Args:
        reported: How far the reader says they read (checked).
        mark: Their mark now.
        latest: The room's latest message number.

    Returns:
        The new mark, or None if it does not move.
    """
    target = min(reported, latest)
    return target if target > mark else None


def extends(*, span_at_ms: int, span_last: int, mark: int, now_ms: int) -> bool:
    """Whether a reader's newest stretch takes in what they read now.

    It does when it ends where their mark is (nothing was skipped since) and
    it began less than :data:`SPAN_OPEN_MS` ago.

    Args:
        span_at_ms: When the stretch was read.
        span_last: Its last message.
        mark: The reader's mark before this advance.
        now_ms: The time now.

    Returns:
        True to extend it; False to start a new one.
    """
    return span_last == mark and 0 <= now_ms - span_at_ms < SPAN_OPEN_MS


def seen_at(*, span_at_ms: int, sent_at_ms: int) -> int:
    """When a reader saw a message their stretch covers (never before it was sent).

    Args:
        span_at_ms: When the stretch was read.
        sent_at_ms: When the message was sent.

    Returns:
        The time, in milliseconds.
    """
    return max(span_at_ms, sent_at_ms)


@dataclass(frozen=True)
class Reader:
    """One person who saw a message, and when.

    Attributes:
        username: Who.
        at_ms: When they saw it.
    """

    username: str
    at_ms: int


@dataclass(frozen=True)
class SeenBy:
    """Who saw a message, as its author is shown.

    Attributes:
        number: The message's number in its room.
        readers: The first readers, earliest first.
        more: How many more saw it.
    """

    number: int
    readers: list[Reader]
    more: int


def seen_by(
    *,
    number: int,
    author: str,
    sent_at_ms: int,
    spans: Iterable[tuple[str, int]],
    shown: int,
) -> SeenBy:
    """Who saw a message, from the stretches that cover it.

    Args:
        number: The message's number.
        author: Who wrote it (not listed: they did not "see" it).
        sent_at_ms: When it was sent.
        spans: Each covering stretch's reader and time.
        shown: How many readers to list; the rest are counted.

    Returns:
        The readers, each once at their first sight, earliest first.
    """
    first: dict[str, int] = {}
    for username, at_ms in spans:
        if username == author:
            continue
        at = seen_at(span_at_ms=at_ms, sent_at_ms=sent_at_ms)
        first[username] = min(at, first.get(username, at))
    readers = sorted(
        (Reader(username=name, at_ms=at) for name, at in first.items()),
        key=lambda reader: (reader.at_ms, reader.username),
    )
    return SeenBy(number=number, readers=readers[:shown], more=len(readers[shown:]))


@dataclass
class PendingReport:
    """What one tab reported since the last flush.

    Attributes:
        username: The tab's verified user.
        sid: The tab's socket (its user's other tabs are told, not it).
        number: The furthest message it said it read.
    """

    username: str
    sid: str
    number: int


def gather(
    pending: dict[str, PendingReport], *, tab: str, username: str, sid: str, number: int
) -> None:
    """Keep a tab's report until the next flush: only its furthest counts.

    Args:
        pending: The reports kept, by tab.
        tab: The tab.
        username: Its verified user.
        sid: Its socket.
        number: How far it read.
    """
    kept = pending.get(tab)
    if kept is None or kept.username != username:
        pending[tab] = PendingReport(username=username, sid=sid, number=number)
    else:
        kept.number, kept.sid = max(kept.number, number), sid
