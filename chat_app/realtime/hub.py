"""How a broadcast crosses processes: one encoded update for all of a room's tabs.

Every tab in a room has its socket in a socket.io room of the same name on the
process that holds it (see ``sockets``). A broadcast is published once: with
Redis, on a channel that every backend process relays to its own sockets;
without, straight to the local sockets. Moving sockets between rooms (a user's
other tabs following them, a tab whose session ended) travels the same way, and
is carried out by the process holding each socket. The update is a Reflex delta
for the tabs' ``RoomViewState`` (or events for them to run), so the browser
applies it like any other, and nobody's state lock is taken to deliver it.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from redis.exceptions import RedisError

from chat_app import logs
from chat_app.realtime.sockets import (
    NAMESPACE,
    Delta,
    drop,
    enter,
    local_sids,
    room_channel,
    send_to,
    socket_server,
)
from chat_app.settings import get_settings

CHANNEL = "chat:broadcast"
logger = logging.getLogger(__name__)

# Versioned parts of a delta: ``{key: (version, [var keys])}``.
Versions = dict[str, tuple[int, list[str]]]


# Per process: the newest version of each versioned part of a view delivered
# here, e.g. ``{"slot:sala-1:3": 42}``. Publishers on several processes may reach
# Redis out of order: a part older than what was delivered is dropped.
_delivered: dict[str, int] = {}
# Per process: each conversation's latest message as relayed here
# (``{"n": number, ...}``), and those that changed since ``take_activity``.
_activity: dict[str, dict[str, Any]] = {}
_changed: set[str] = set()


def activity_version(latest: dict[str, Any]) -> int:
    """Orders a conversation's latest messages: by number, then by when read.

    Args:
        latest: ``{"n": number, "v": µs when it was read, ...}``.

    Returns:
        A number that grows with a later message and with a later reading of
        the same one (an edit, a deletion).
    """
    return latest["n"] * 10**16 + latest.get("v", 0) % 10**16


def note_activity(activity: dict[str, dict[str, Any]] | None) -> None:
    """Take conversations' latest messages in (a later version wins).

    An edit or a deletion of a conversation's latest message is a later
    version of it: news only if what its preview says changed.

    Args:
        activity: Slug to ``{"n": number, "v": µs, "at": ms, "by": author,
            "text": ...}``.
    """
    for slug, latest in (activity or {}).items():
        known = _activity.get(slug)
        if known is not None and activity_version(latest) <= activity_version(known):
            continue
        _activity[slug] = latest
        if known is None or _preview(known) != _preview(latest):
            _changed.add(slug)


def _preview(latest: dict[str, Any]) -> tuple[Any, ...]:
    """What a conversation's line says of its latest message."""
    return latest["n"], latest.get("by"), latest.get("text")


def latest_numbers() -> dict[str, int]:
    """The latest message number relayed here for each conversation.

    Returns:
        Slug to number.
    """
    return {slug: latest["n"] for slug, latest in _activity.items()}


def take_activity() -> dict[str, dict[str, Any]]:
    """The conversations whose latest message changed since the last call.

    Returns:
        Slug to its latest message (see :func:`note_activity`).
    """
    changed = {slug: _activity[slug] for slug in _changed}
    _changed.clear()
    return changed


def _fresh(update: dict[str, Any], versions: Versions | None) -> dict[str, Any]:
    """The update without the parts overtaken by newer ones already delivered."""
    stale: set[str] = set()
    for key, (version, var_keys) in (versions or {}).items():
        if version < _delivered.get(key, 0):
            stale.update(var_keys)
        else:
            _delivered[key] = version
    if not stale:
        return update
    delta: Delta = {}
    for state, values in update["delta"].items():
        delta[state] = {name: v for name, v in values.items() if name not in stale}
    return {**update, "delta": delta}


async def _emit_locally(
    channel: str,
    update: dict[str, Any],
    skip_sid: str | None,
    versions: Versions | None = None,
) -> None:
    await socket_server().emit(
        "event",
        _fresh(update, versions),
        room=channel,
        skip_sid=skip_sid,
        namespace=NAMESPACE,
    )


async def emit_here(
    channel: str,
    delta: Delta,
    *,
    versions: Versions | None = None,
    skip_sid: str | None = None,
    events: list[dict[str, Any]] | None = None,
) -> None:
    """Send a delta to a channel's sockets on this process only.

    For what every process works out by itself from the broadcasts it relays
    (conversations' activity), or carries out for its own sockets (an order),
    so nothing more crosses Redis.

    Args:
        channel: A socket.io room.
        delta: ``{state name: {var name: value}}`` with JSON-ready values.
        versions: Versioned parts of the delta (see :func:`publish`).
        skip_sid: A socket not to send it to.
        events: Reflex events for the receiving tabs to run.
    """
    update: dict[str, Any] = {"delta": delta}
    if events:
        update["events"] = events
    await _emit_locally(channel, update, skip_sid, versions)


async def _reseat_locally(
    sids: list[str],
    room: str | None,
    username: str,
    events: list[dict[str, Any]],
) -> None:
    """Move the sockets of this process among the sids, then send them events."""
    sio = socket_server()
    for sid in sids:
        if not sio.manager.is_connected(sid, NAMESPACE):
            continue  # held by another process, or gone
        if room is None:
            await drop(sid)
        else:
            await enter(sid, room, username)
        await send_to(sid, {}, events=events)


# Other orders a process carries out for every process (``carry_out_everywhere``).
_orders: dict[str, Callable[[dict[str, Any]], Awaitable[None]]] = {}
_running: set[asyncio.Task] = set()  # orders under way (kept from the collector)


def on_order(op: str, handler: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
    """Have every process run a handler for published orders of one kind.

    Args:
        op: The order's name (``op``).
        handler: Takes the order (a JSON-ready dict) and does it for this
            process's sockets.
    """
    _orders[op] = handler


async def _run_order(message: dict[str, Any]) -> None:
    """Carry out an order beside the relay: a slow or failing one never holds it."""
    try:
        await _orders[message["op"]](message)
    except Exception:  # the tabs concerned see it when they next load
        logger.warning("An order was not carried out.", exc_info=True)


async def _carry_out(message: dict[str, Any]) -> None:
    """Do what a published message asks of this process's sockets."""
    if message["op"] in _orders:
        task = asyncio.create_task(_run_order(message))
        _running.add(task)
        task.add_done_callback(_running.discard)
    elif message["op"] == "reseat":
        await _reseat_locally(
            message["sids"],
            message["room"],
            message["username"],
            message["events"],
        )
    else:
        note_activity(message.get("activity"))
        await _emit_locally(
            message["channel"],
            message["update"],
            message["skip_sid"],
            message.get("versions"),
        )


async def carry_out_everywhere(message: dict[str, Any]) -> None:
    """Have every backend process carry a message out (only this one without Redis).

    Args:
        message: ``{"op": ...}``: an emit, a reseat, or an order (``on_order``).
    """
    if get_settings().redis_url:
        await _redis_client().publish(CHANNEL, json.dumps(message))
    else:
        await _carry_out(message)


_redis = None


def _redis_client():
    global _redis  # one connection pool per process, created on first use
    if _redis is None:
        import redis.asyncio as redis

        url = get_settings().redis_url
        assert url is not None
        _redis = redis.from_url(url)
    return _redis


async def claim(key: str, seconds: float) -> bool:
    """Take a key for a while, unless another process holds it (no Redis: take it).

    Args:
        key: What is claimed, e.g. ``seen:ana``.
        seconds: How long the claim holds.

    Returns:
        True if this process has it now.
    """
    if not get_settings().redis_url:
        return True
    claimed = await _redis_client().set(
        f"chat:claim:{key}", 1, nx=True, px=max(1, int(seconds * 1000))
    )
    return bool(claimed)


async def publish(
    channel: str,
    *,
    delta: Delta | None = None,
    events: list[dict[str, Any]] | None = None,
    skip_sid: str | None = None,
    versions: Versions | None = None,
    activity: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Send an update to every socket in a channel, on every backend process.

    Args:
        channel: A socket.io room (see ``room_channel``).
        delta: ``{state name: {var name: value}}`` with JSON-ready values.
        events: Reflex events for the receiving tabs to run.
        skip_sid: A socket not to send it to (the one that caused it).
        versions: Versioned parts of the delta: ``{key: (version, var keys)}``;
            a part is not delivered after a newer version of the same key.
        activity: Conversations' latest messages it carries: every process
            notes them (see :func:`note_activity`) for their members elsewhere.
    """
    update: dict[str, Any] = {"delta": delta or {}}
    if events:
        update["events"] = events
    await carry_out_everywhere(
        {
            "op": "emit",
            "channel": channel,
            "update": update,
            "skip_sid": skip_sid,
            "versions": versions,
            "activity": activity,
        }
    )


async def broadcast(
    room: str,
    delta: Delta,
    *,
    versions: Versions | None = None,
    activity: dict[str, dict[str, Any]] | None = None,
) -> None:
    """Send a delta to every tab in a chat room.

    Args:
        room: The chat room's slug.
        delta: ``{state name: {var name: value}}`` with JSON-ready values.
        versions: Versioned parts of the delta (see :func:`publish`).
        activity: Conversations' latest messages (see :func:`publish`).
    """
    await publish(room_channel(room), delta=delta, versions=versions, activity=activity)


async def reseat(
    sids: list[str],
    *,
    room: str | None,
    username: str = "",
    events: list[dict[str, Any]] | None = None,
) -> None:
    """Move sockets into a room's channels, or out of every room, wherever held.

    The server decides which room's broadcasts a socket receives: a tab asked to
    follow its user elsewhere, or whose session ended, is moved by the process
    holding its socket, whatever the tab does with the events it is then sent.

    Args:
        sids: The sockets, on any backend process.
        room: The room to move them to; None takes them out of every room.
        username: Their user (for the user channel) when moving them.
        events: Reflex events for the moved tabs to run (to show what changed).
    """
    if sids:
        await carry_out_everywhere(
            {
                "op": "reseat",
                "sids": sids,
                "room": room,
                "username": username,
                "events": events or [],
            }
        )


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
                await _carry_out(json.loads(message["data"]))
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
