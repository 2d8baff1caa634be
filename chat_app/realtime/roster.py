"""Who is in a room and who is typing, announced to the room, coalesced."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from chat_app import db
from chat_app.realtime import hub, sockets
from chat_app.realtime.views import var_key, view_delta
from chat_app.rooms import presence
from chat_app.settings import get_settings

logger = logging.getLogger(__name__)


# Announcements waiting to go out from this process, by key. Scheduling only: what
# is announced is read from the database when the wait is over.
_pending: dict[str, asyncio.Task] = {}


def announce_soon(
    room: str,
    key: str,
    make_delta: Callable[[], Awaitable[sockets.Delta]],
    var_keys: list[str],
    wait: float | None = None,
) -> None:
    """Broadcast a room-wide change shortly, once for all changes of the same kind.

    When fifty people enter a room within ``announce_coalesce_seconds`` (a
    quarter of a second), the room is told the member list once, not fifty times.

    Args:
        room: The chat room's slug.
        key: What kind of change (e.g. ``members:sala-1``).
        make_delta: Builds the delta from the current truth when it is sent.
        var_keys: The vars it sets: versioned by when the truth was read, so an
            announcement read earlier on another process never overwrites it.
        wait: Seconds to gather changes; ``announce_coalesce_seconds`` by default.
    """
    if key in _pending:
        return

    async def later() -> None:
        try:
            await asyncio.sleep(
                get_settings().announce_coalesce_seconds if wait is None else wait
            )
        finally:
            _pending.pop(key, None)
        try:
            read_at = time.time_ns() // 1000
            delta = await make_delta()
            await hub.broadcast(room, delta, versions={key: (read_at, var_keys)})
        except Exception as error:  # an outage: the next change announces again
            logger.warning(
                "A room announcement was lost.", extra={"key": key, "error": str(error)}
            )

    _pending[key] = asyncio.create_task(later())


def announce_members(room: str) -> None:
    """Tell a room, shortly, who is in it, how they look and who is typing now.

    Args:
        room: The room's slug.
    """

    async def delta() -> sockets.Delta:
        people = await db.run(
            presence.roster,
            room,
            now=time.time(),
            ttl=get_settings().typing_ttl_seconds,
        )
        return view_delta(
            members=people.members, avatars=people.avatars, typists=people.typists
        )

    announce_soon(
        room,
        f"members:{room}",
        delta,
        [var_key("members"), var_key("avatars"), var_key("typists")],
    )


def announce_typists(room: str) -> None:
    """Tell a room, shortly, who is typing now.

    Coalesced: however fast people start and stop, a room hears at most one
    typing update per ``typing_coalesce_seconds``.

    Args:
        room: The room's slug.
    """

    async def delta() -> sockets.Delta:
        typists = await db.run(
            presence.typists,
            room,
            now=time.time(),
            ttl=get_settings().typing_ttl_seconds,
        )
        return view_delta(typists=typists)

    announce_soon(
        room,
        f"typists:{room}",
        delta,
        [var_key("typists")],
        wait=get_settings().typing_coalesce_seconds,
    )
