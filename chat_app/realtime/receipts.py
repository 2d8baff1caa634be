"""Read receipts on the wire: reports gathered, written once a second, authors told.

A visible tab at the bottom of its list says so once ("live"): it reads
every message as it arrives, so it sends nothing more, and each flush reads
it up to the newest message this process delivered to its room. Were such a
tab to report every message, a message in a room of 500 would bring 499
events. A tab scrolled up reports the newest message it scrolls into view, at
most once a second. Each process gathers the reports in memory and writes
them together once per ``read_flush_seconds``, in one transaction.
What changed is then told only to those concerned, on their own user
channels, never to a room: each reader's other tabs get their read marks
(unread counts), and each author whose messages someone else read gets their
"seen" marks (✓✓) with an event that refreshes an open "seen by" list. One
order per flush crosses Redis; every process delivers it to its own sockets.
"""

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError

from chat_app import db, logs
from chat_app.db import DatabaseUnavailableError
from chat_app.domain.receipts import PendingReport, gather
from chat_app.realtime import hub, sockets
from chat_app.realtime.views import var_key, view_delta
from chat_app.rooms import receipts
from chat_app.rooms.read_marks import Advance
from chat_app.settings import get_settings

logger = logging.getLogger(__name__)

# Per process, until the next flush: each tab's furthest report, the
# stretches read by arriving in or leaving a room (written already), and the
# authors whose telling was put off (told this second by another process).
_reports: dict[str, PendingReport] = {}
_read_elsewhere: list[Advance] = []
_untold: set[str] = set()


@dataclass(frozen=True)
class Follower:
    """A tab reading its room live (visible, at the bottom of the list).

    Attributes:
        tab: The tab.
        username: Its verified user.
    """

    tab: str
    username: str


# Per process, by socket: the tabs reading live, and the room and newest
# message each was last read up to.
_following: dict[str, Follower] = {}
_marked: dict[str, tuple[str, int]] = {}


def note_report(*, tab: str, username: str, sid: str, number: int) -> None:
    """Keep a tab's report of how far it read until the next flush.

    Args:
        tab: The tab (its room is looked up when written).
        username: Its verified user.
        sid: Its socket.
        number: How far it read (checked: a message number).
    """
    gather(_reports, tab=tab, username=username, sid=sid, number=number)


def follow(*, tab: str, username: str, sid: str, live: bool) -> None:
    """Start or stop reading a tab up to its room's newest message at each flush.

    Args:
        tab: The tab.
        username: Its verified user.
        sid: Its socket (held by this process).
        live: Whether it reads live now (visible, at the bottom).
    """
    if live:
        _following[sid] = Follower(tab=tab, username=username)
    else:
        _following.pop(sid, None)
        _marked.pop(sid, None)


def gather_followers() -> None:
    """Add a report for each live tab whose room got messages since its last.

    The number is the newest this process delivered to the tab's room (so
    its tab was sent it); the room is looked up again when written.
    """
    if not _following:
        return
    connected = sockets.socket_server().manager.is_connected
    rooms = sockets.local_rooms()
    latest = hub.latest_numbers()
    for sid, follower in list(_following.items()):
        if not connected(sid, sockets.NAMESPACE):  # closed, or reconnected anew
            follow(tab=follower.tab, username=follower.username, sid=sid, live=False)
            continue
        room = rooms.get(sid, "")
        number = latest.get(room, 0)
        if (room, number) != _marked.get(sid) and number:
            _marked[sid] = (room, number)
            note_report(
                tab=follower.tab, username=follower.username, sid=sid, number=number
            )


def note_read(advance: Advance | None) -> None:
    """Have the next flush tell the authors of what someone read elsewhere.

    Args:
        advance: What arriving in or leaving a room read; None for nothing.
    """
    if advance is not None:
        _read_elsewhere.append(advance)


def _has_listeners(channel: str, skip_sid: str | None) -> bool:
    """Whether this process holds any socket of a channel but the one skipped."""
    rooms = sockets.socket_server().manager.rooms.get(sockets.NAMESPACE, {})
    return any(sid != skip_sid for sid in rooms.get(channel) or ())


async def deliver(order: dict[str, Any]) -> None:
    """Send this process's tabs what a flush (on any process) changed.

    Args:
        order: ``{"read_at": µs, "last_read": {user: marks}, "skip": {user:
            sid}, "seen": {author: marks}, "events": [...]}``.
    """
    read_at = order["read_at"]
    for username, marks in order["last_read"].items():
        channel, skip = sockets.user_channel(username), order["skip"].get(username)
        if _has_listeners(channel, skip):
            await hub.emit_here(
                channel,
                view_delta(last_read=marks),
                versions={f"last_read:{username}": (read_at, [var_key("last_read")])},
                skip_sid=skip,
            )
    for author, marks in order["seen"].items():
        channel = sockets.user_channel(author)
        if _has_listeners(channel, None):
            await hub.emit_here(
                channel,
                view_delta(seen=marks),
                versions={f"seen:{author}": (read_at, [var_key("seen")])},
                events=order["events"],
            )


hub.on_order("reads", deliver)


async def flush(on_seen: list[dict[str, Any]]) -> None:
    """Write the reports gathered here and tell those concerned, once.

    Args:
        on_seen: Reflex events for the authors' tabs (refresh "seen by").
    """
    gather_followers()
    reports, elsewhere, untold = dict(_reports), list(_read_elsewhere), set(_untold)
    _reports.clear()
    _read_elsewhere.clear()
    _untold.clear()
    if not reports and not elsewhere and not untold:
        return
    read_at = time.time_ns() // 1000
    interval = get_settings().read_flush_seconds
    try:
        recorded = await db.run(
            receipts.record_reads,
            reports=reports,
            now=time.time(),
            configured=[room.slug for room in get_settings().room_list()],
            read_elsewhere=elsewhere,
            also_tell=untold,
        )
    except Exception:
        # Kept for the next flush, unless newer reports came meanwhile.
        for tab, report in reports.items():
            gather(_reports, tab=tab, **vars(report))
        _read_elsewhere.extend(elsewhere)
        _untold.update(untold)
        raise
    if recorded.refused:  # tabs that left their room (or were taken out) since
        logger.info("Read reports dropped.", extra={"count": recorded.refused})
    # At most one "seen" update a second per author, however many processes
    # flush reads of their messages: the others tell them next time.
    seen = {}
    for author, marks in recorded.seen.items():
        try:
            claimed = await hub.claim(f"seen:{author}", interval)
        except RedisError:  # the order below fails alike, and keeps them untold
            claimed = True
        if claimed:
            seen[author] = marks
        else:
            _untold.add(author)
    if not recorded.last_read and not seen:
        return
    try:
        await hub.carry_out_everywhere(
            {
                "op": "reads",
                "read_at": read_at,
                "last_read": recorded.last_read,
                "skip": recorded.skip,
                "seen": seen,
                "events": on_seen,
            }
        )
    except Exception:
        _untold.update(seen)  # written, not told: told at the next flush
        raise


async def flush_reads(on_seen: list[dict[str, Any]] | None = None) -> None:
    """Flush the reports of how far tabs read, once per ``read_flush_seconds``.

    Registered as a lifespan task.

    Args:
        on_seen: Reflex events for the tabs of authors told (see :func:`flush`).
    """
    logs.bind_task("read-receipts")
    while True:
        await asyncio.sleep(get_settings().read_flush_seconds)
        try:
            await flush(on_seen or [])
        except asyncio.CancelledError:
            raise
        except (DatabaseUnavailableError, RedisError) as error:  # an outage
            logger.warning(
                "Reading cannot reach a dependency; the next flush retries.",
                extra={"error": str(error)},
            )
        except Exception:  # keep flushing after anything, with its traceback
            logger.warning(
                "Reading was not recorded or passed on; the next flush retries.",
                exc_info=True,
            )
