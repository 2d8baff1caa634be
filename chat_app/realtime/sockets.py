"""The sockets of this process and the socket.io rooms ("channels") they are in.

A tab's socket is in its chat room's channel (if it is in a room), its user's
channel and the channel of every signed-in tab. A conversation's latest message
(unread counts, the sidebar's preview) reaches its room's tabs with the message,
and its members elsewhere at most once per ``unread_interval_seconds``: on the
everyone channel for the configured rooms (everyone's), on each member's own
channel for the others. Also the shape of what is sent to a tab: a delta of
state vars, or events for it to run.
"""

from typing import Any

from reflex_base.registry import RegistrationContext

NAMESPACE = "/_event"
CHAT_PREFIX = "chat-"
ROOM_PREFIX = "chat-room:"
EVERYONE_CHANNEL = "chat-everyone"

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


def tab_event(handler: str) -> dict[str, Any]:
    """An event for tabs to run, as Reflex's client expects it in an update.

    Args:
        handler: The handler's full name (``<state full name>.<handler>``).

    Returns:
        The event, without arguments.
    """
    return {"name": handler, "payload": {}, "router_data": {}}


def socket_server():
    """The app's socket.io server (this process's sockets).

    Returns:
        The server.

    Raises:
        RuntimeError: If the app has none.
    """
    sio = RegistrationContext.get().app.sio
    if sio is None:
        raise RuntimeError("The app has no socket server.")
    return sio


async def enter(sid: str, room: str, username: str) -> None:
    """Make a tab's socket receive its room, its user and the configured rooms.

    A socket is in at most one chat room's channel.

    Args:
        sid: The socket id (held by this process).
        room: The chat room's slug.
        username: The tab's user.
    """
    sio = socket_server()
    if not sio.manager.is_connected(sid, NAMESPACE):
        return  # closed meanwhile: nothing to move (its seat goes with the sweep)
    for other in sio.rooms(sid, namespace=NAMESPACE):
        if other.startswith(ROOM_PREFIX) and other != room_channel(room):
            await sio.leave_room(sid, other, namespace=NAMESPACE)
    await sio.enter_room(sid, room_channel(room), namespace=NAMESPACE)
    await sio.enter_room(sid, user_channel(username), namespace=NAMESPACE)
    await sio.enter_room(sid, EVERYONE_CHANNEL, namespace=NAMESPACE)


async def leave(sid: str, room: str) -> None:
    """Stop a socket receiving a room's broadcasts (its other channels stay).

    Args:
        sid: The socket id.
        room: The chat room's slug.
    """
    sio = socket_server()
    await sio.leave_room(sid, room_channel(room), namespace=NAMESPACE)


async def drop(sid: str) -> None:
    """Take a socket out of every channel of the chat (its room, user, everyone).

    Args:
        sid: The socket id (held by this process).
    """
    sio = socket_server()
    for name in sio.rooms(sid, namespace=NAMESPACE):
        if isinstance(name, str) and name.startswith(CHAT_PREFIX):
            await sio.leave_room(sid, name, namespace=NAMESPACE)


def local_sids() -> set[str]:
    """The sockets of this process that are in a chat room.

    Returns:
        Their ids.
    """
    rooms = socket_server().manager.rooms.get(NAMESPACE, {})
    return {
        sid
        for name, members in rooms.items()
        if isinstance(name, str) and name.startswith(ROOM_PREFIX)
        for sid in members
    }


def local_rooms() -> dict[str, str]:
    """The chat room each socket of this process is in.

    Returns:
        Socket id to the room's slug.
    """
    rooms = socket_server().manager.rooms.get(NAMESPACE, {})
    return {
        sid: name.removeprefix(ROOM_PREFIX)
        for name, members in rooms.items()
        if isinstance(name, str) and name.startswith(ROOM_PREFIX)
        for sid in members
    }


async def send_to(
    sid: str, delta: Delta, *, events: list[dict[str, Any]] | None = None
) -> None:
    """Send a delta to one socket of this process (a tab's own view of its room).

    Args:
        sid: The socket id.
        delta: ``{state name: {var name: value}}`` with JSON-ready values.
        events: Reflex events for the tab to run.
    """
    update: dict[str, Any] = {"delta": delta}
    if events:
        update["events"] = events
    await socket_server().emit("event", update, to=sid, namespace=NAMESPACE)


def local_users() -> set[str]:
    """The users with a socket on this process.

    Returns:
        Their usernames.
    """
    rooms = socket_server().manager.rooms.get(NAMESPACE, {})
    prefix = user_channel("")
    return {
        name.removeprefix(prefix)
        for name, members in rooms.items()
        if isinstance(name, str) and name.startswith(prefix) and members
    }
