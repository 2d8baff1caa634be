"""Room broadcasts: one encoded update for all of a room's sockets.

Every tab in a room has its socket in a socket.io room of the same name on the
process that holds it. A broadcast is published once: with Redis, on a channel that
every backend process relays to its own sockets; without, straight to the local
sockets. The update is a Reflex delta for the tabs' ``ChatState``, so the browser
applies it like any other, and nobody's state lock is taken to deliver it.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from reflex_base.registry import RegistrationContext

from chat_app.settings import get_settings

CHANNEL = "chat:room-broadcast"
NAMESPACE = "/_event"
logger = logging.getLogger(__name__)


def socket_room(room: str) -> str:
    """The socket.io room of a chat room.

    Args:
        room: The chat room's slug.

    Returns:
        The socket.io room name.
    """
    return f"chat-room:{room}"


def _sio():
    sio = RegistrationContext.get().app.sio
    if sio is None:
        raise RuntimeError("The app has no socket server.")
    return sio


async def join(sid: str, room: str) -> None:
    """Add a tab's socket to a room's broadcasts (on this process).

    Args:
        sid: The socket id.
        room: The chat room's slug.
    """
    await _sio().enter_room(sid, socket_room(room), namespace=NAMESPACE)


async def leave(sid: str, room: str) -> None:
    """Stop a socket receiving a room's broadcasts.

    Args:
        sid: The socket id.
        room: The chat room's slug.
    """
    await _sio().leave_room(sid, socket_room(room), namespace=NAMESPACE)


async def send_to(sid: str, delta: dict[str, dict[str, Any]]) -> None:
    """Send a delta to one socket of this process (a tab's own view of its room).

    Args:
        sid: The socket id.
        delta: ``{state name: {var name: value}}`` with JSON-ready values.
    """
    await _sio().emit("event", {"delta": delta}, to=sid, namespace=NAMESPACE)


async def _emit_locally(room: str, update: dict[str, Any]) -> None:
    await _sio().emit("event", update, room=socket_room(room), namespace=NAMESPACE)


_redis = None


def _redis_client():
    global _redis  # one connection pool per process, created on first use
    if _redis is None:
        import redis.asyncio as redis

        url = get_settings().redis_url
        assert url is not None
        _redis = redis.from_url(url)
    return _redis


async def broadcast(room: str, delta: dict[str, dict[str, Any]]) -> None:
    """Send a delta to every tab in a room, on every backend process.

    Args:
        room: The chat room's slug.
        delta: ``{state name: {var name: value}}`` with JSON-ready values.
    """
    update = {"delta": delta}
    if get_settings().redis_url:
        await _redis_client().publish(CHANNEL, json.dumps([room, update]))
    else:
        await _emit_locally(room, update)


# Announcements waiting to go out from this process, by key. Scheduling only: what
# is announced is read from the database when the wait is over.
_pending: dict[str, asyncio.Task] = {}
COALESCE_SECONDS = 0.25


def announce_soon(
    room: str,
    key: str,
    make_delta: Callable[[], Awaitable[dict[str, dict[str, Any]]]],
) -> None:
    """Broadcast a room-wide change shortly, once for all changes of the same kind.

    When fifty people enter a room within a quarter of a second, the room is told
    the member list once, not fifty times.

    Args:
        room: The chat room's slug.
        key: What kind of change (e.g. ``members:sala-1``).
        make_delta: Builds the delta from the current truth when it is sent.
    """
    if key in _pending:
        return

    async def later() -> None:
        try:
            await asyncio.sleep(COALESCE_SECONDS)
        finally:
            _pending.pop(key, None)
        await broadcast(room, await make_delta())

    _pending[key] = asyncio.create_task(later())


async def relay() -> None:
    """Relay broadcasts published by any process to this process's sockets.

    Registered as a lifespan task; does nothing without Redis.
    """
    if not get_settings().redis_url:
        return
    while True:
        try:
            pubsub = _redis_client().pubsub()
            await pubsub.subscribe(CHANNEL)
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                room, update = json.loads(message["data"])
                await _emit_locally(room, update)
        except asyncio.CancelledError:
            raise
        except Exception:  # keep relaying after a Redis hiccup
            logger.warning("Room broadcast relay lost Redis; retrying.", exc_info=True)
            with contextlib.suppress(Exception):
                await asyncio.sleep(1)
