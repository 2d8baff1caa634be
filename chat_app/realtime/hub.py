"""Room broadcasts: one encoded update for all of a room's sockets.

Every tab in a room has its socket in a socket.io room of the same name on the
process that holds it (and in one for its user). A broadcast is published once:
with Redis, on a channel that every backend process relays to its own sockets;
without, straight to the local sockets. The update is a Reflex delta for the tabs'
``RoomViewState`` (or events for them to run), so the browser applies it like any
other, and nobody's state lock is taken to deliver it.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from redis.exceptions import RedisError
from reflex_base.registry import RegistrationContext

from chat_app import logs
from chat_app.settings import get_settings

CHANNEL = "chat:broadcast"
NAMESPACE = "/_event"
ROOM_PREFIX = "chat-room:"
logger = logging.getLogger(__name__)

Delta = dict[str, dict[str, Any]]


def room_channel(room: str) -> str:
    """The socket.io room of a chat room's tabs.

    Args:
        room: The chat room's slug.

    Returns:
        The socket.io room name.
    """
    return f"{ROOM_PREFIX}{room}"


def user_channel(username: str) -> str:
    """The socket.io room of all of one user's tabs.

    Args:
        username: The user.

    Returns:
        The socket.io room name.
    """
    return f"chat-user:{username}"


WATCH_PREFIX = "chat-watch:"


def watch_channel(room: str) -> str:
    """The socket.io room of the tabs outside a chat room (for its unread count).

    Args:
        room: The chat room's slug.

    Returns:
        The socket.io room name.
    """
    return f"{WATCH_PREFIX}{room}"


def tab_event(handler: str) -> dict[str, Any]:
    """An event for tabs to run, as Reflex's client expects it in an update.

    Args:
        handler: The handler's full name (``<state full name>.<handler>``).

    Returns:
        The event, without arguments.
    """
    return {"name": handler, "payload": {}, "router_data": {}}


def _sio():
    sio = RegistrationContext.get().app.sio
    if sio is None:
        raise RuntimeError("The app has no socket server.")
    return sio


async def enter(sid: str, room: str, username: str, rooms: list[str]) -> None:
    """Make a tab's socket receive its room, its user, and the others' counters.

    A socket is in exactly one chat room's channel, and in the watch channel of
    every other room, which only carries that room's latest message number.

    Args:
        sid: The socket id (held by this process).
        room: The chat room's slug.
        username: The tab's user.
        rooms: Every room's slug.
    """
    sio = _sio()
    for other in sio.rooms(sid, namespace=NAMESPACE):
        if other.startswith(ROOM_PREFIX) and other != room_channel(room):
            await sio.leave_room(sid, other, namespace=NAMESPACE)
    await sio.enter_room(sid, room_channel(room), namespace=NAMESPACE)
    await sio.enter_room(sid, user_channel(username), namespace=NAMESPACE)
    for slug in rooms:
        if slug == room:
            await sio.leave_room(sid, watch_channel(slug), namespace=NAMESPACE)
        else:
            await sio.enter_room(sid, watch_channel(slug), namespace=NAMESPACE)


async def leave(sid: str, room: str) -> None:
    """Stop a socket receiving a room's broadcasts; it watches the room's count.

    Args:
        sid: The socket id.
        room: The chat room's slug.
    """
    sio = _sio()
    await sio.leave_room(sid, room_channel(room), namespace=NAMESPACE)
    await sio.enter_room(sid, watch_channel(room), namespace=NAMESPACE)


def local_sids() -> set[str]:
    """The sockets of this process that are in a chat room.

    Returns:
        Their ids.
    """
    rooms = _sio().manager.rooms.get(NAMESPACE, {})
    return {
        sid
        for name, members in rooms.items()
        if isinstance(name, str) and name.startswith(ROOM_PREFIX)
        for sid in members
    }


async def send_to(sid: str, delta: Delta) -> None:
    """Send a delta to one socket of this process (a tab's own view of its room).

    Args:
        sid: The socket id.
        delta: ``{state name: {var name: value}}`` with JSON-ready values.
    """
    await _sio().emit("event", {"delta": delta}, to=sid, namespace=NAMESPACE)


async def _emit_locally(
    channel: str, update: dict[str, Any], skip_sid: str | None
) -> None:
    await _sio().emit(
        "event", update, room=channel, skip_sid=skip_sid, namespace=NAMESPACE
    )


_redis = None


def _redis_client():
    global _redis  # one connection pool per process, created on first use
    if _redis is None:
        import redis.asyncio as redis

        url = get_settings().redis_url
        assert url is not None
        _redis = redis.from_url(url)
    return _redis


async def publish(
    channel: str,
    *,
    delta: Delta | None = None,
    events: list[dict[str, Any]] | None = None,
    skip_sid: str | None = None,
) -> None:
    """Send an update to every socket in a channel, on every backend process.

    Args:
        channel: A socket.io room (see ``room_channel`` and ``user_channel``).
        delta: ``{state name: {var name: value}}`` with JSON-ready values.
        events: Reflex events for the receiving tabs to run.
        skip_sid: A socket not to send it to (the one that caused it).
    """
    update: dict[str, Any] = {"delta": delta or {}}
    if events:
        update["events"] = events
    if get_settings().redis_url:
        message = json.dumps([channel, update, skip_sid])
        await _redis_client().publish(CHANNEL, message)
    else:
        await _emit_locally(channel, update, skip_sid)


async def broadcast(room: str, delta: Delta) -> None:
    """Send a delta to every tab in a chat room.

    Args:
        room: The chat room's slug.
        delta: ``{state name: {var name: value}}`` with JSON-ready values.
    """
    await publish(room_channel(room), delta=delta)


# Announcements waiting to go out from this process, by key. Scheduling only: what
# is announced is read from the database when the wait is over.
_pending: dict[str, asyncio.Task] = {}


def announce_soon(
    room: str, key: str, make_delta: Callable[[], Awaitable[Delta]]
) -> None:
    """Broadcast a room-wide change shortly, once for all changes of the same kind.

    When fifty people enter a room within ``announce_coalesce_seconds`` (a
    quarter of a second), the room is told the member list once, not fifty times.

    Args:
        room: The chat room's slug.
        key: What kind of change (e.g. ``members:sala-1``).
        make_delta: Builds the delta from the current truth when it is sent.
    """
    if key in _pending:
        return

    async def later() -> None:
        try:
            await asyncio.sleep(get_settings().announce_coalesce_seconds)
        finally:
            _pending.pop(key, None)
        try:
            await broadcast(room, await make_delta())
        except Exception as error:  # an outage: the next change announces again
            logger.warning(
                "A room announcement was lost.", extra={"key": key, "error": str(error)}
            )

    _pending[key] = asyncio.create_task(later())


async def relay(on_reconnect: list[dict[str, Any]] | None = None) -> None:
    """Relay broadcasts published by any process to this process's sockets.

    Registered as a lifespan task; does nothing without Redis. Broadcasts
    published while the relay was cut off from Redis are lost to this
    process's tabs, so once it is back, each of them is sent ``on_reconnect``
    (events that show it its room again, from the database).

    Args:
        on_reconnect: Reflex events for every tab in a room, after a reconnect.
    """
    if not get_settings().redis_url:
        return
    logs.bind_task("room-relay")
    cut_off = False
    while True:
        try:
            pubsub = _redis_client().pubsub()
            await pubsub.subscribe(CHANNEL)
            if cut_off and on_reconnect:
                logger.info("Room broadcast relay is back; tabs catch up.")
                for sid in local_sids():
                    await _emit_locally(
                        sid, {"delta": {}, "events": on_reconnect}, None
                    )
            cut_off = False
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                channel, update, skip_sid = json.loads(message["data"])
                await _emit_locally(channel, update, skip_sid)
        except asyncio.CancelledError:
            raise
        except RedisError as error:  # an outage: one line per retry, no traceback
            if not cut_off:
                logger.warning(
                    "Room broadcast relay lost Redis; retrying.",
                    extra={"error": str(error)},
                )
            cut_off = True
            with contextlib.suppress(Exception):
                await asyncio.sleep(1)
        except Exception:  # keep relaying after anything else, with its traceback
            logger.warning("Room broadcast relay failed; retrying.", exc_info=True)
            cut_off = True
            with contextlib.suppress(Exception):
                await asyncio.sleep(1)
