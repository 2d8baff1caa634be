"""The baseline: a minimal python-socketio server that broadcasts to a room.

Run as ``python -m bench.baseline PORT``. Clients emit ``join`` with a room name,
``message`` with ``{room, text}`` (every member of the room gets ``message``) and
``typing`` with ``{room}``: the rest of the room gets ``typing`` when someone starts
typing (not at every change of their draft), and the message ends it, as a
plain chat server would do.
"""

import sys

import socketio
from aiohttp import web

sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
typing_now: set[str] = set()


@sio.on("join")  # pyright: ignore[reportOptionalCall]
async def join(sid: str, room: str) -> bool:
    """Put the socket in a room.

    Args:
        sid: The socket.
        room: The room's name.

    Returns:
        True, as the acknowledgement.
    """
    await sio.enter_room(sid, room)
    return True


@sio.on("message")  # pyright: ignore[reportOptionalCall]
async def message(sid: str, data: dict) -> None:
    """Broadcast a message to its room.

    Args:
        sid: The sender.
        data: ``{room, text}``.
    """
    typing_now.discard(sid)
    await sio.emit("message", data, room=data["room"])


@sio.on("typing")  # pyright: ignore[reportOptionalCall]
async def typing(sid: str, data: dict) -> None:
    """Tell the rest of a room that someone is typing.

    Args:
        sid: The typist.
        data: ``{room}``.
    """
    if sid not in typing_now:
        typing_now.add(sid)
        await sio.emit("typing", {"sid": sid}, room=data["room"], skip_sid=sid)


def main() -> None:
    """Serve on the port given as the only argument."""
    app = web.Application()
    sio.attach(app)

    async def ping(_request: web.Request) -> web.Response:
        return web.Response(text="pong")

    app.router.add_get("/ping", ping)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)


if __name__ == "__main__":
    main()
