"""Load-test clients: the chat's own Reflex protocol, and the baseline's.

Both record when each benchmark message reaches them and how many bytes they
received, without keeping the payloads.
"""

import asyncio
import json
import re
import time
import uuid
from typing import Any

import socketio

from chat_app.state import AuthState, ChatState

ROOT = "reflex___state____state"
MARKER = re.compile(r"bench:(\d+):")
SEND = f"{ChatState.get_full_name()}.send"
HYDRATE = f"{ROOT}.hydrate_and_load"
TOKEN_VAR = f"{AuthState.get_full_name()}.session_token_rx_state_"
ROOM_SLUG = re.compile(r'"room_slug_rx_state_":\s*"([a-z0-9-]+)"')


class Receiver:
    """What one member saw: first arrival time per message number, bytes in."""

    def __init__(self) -> None:
        """Start empty."""
        self.arrivals: dict[int, float] = {}
        self.bytes_in = 0
        self.frames = 0
        self.changed = asyncio.Event()

    def saw(self, raw: str) -> None:
        """Record one received frame.

        Args:
            raw: The frame's JSON text.
        """
        now = time.perf_counter()
        self.bytes_in += len(raw.encode())
        self.frames += 1
        for match in MARKER.finditer(raw):
            self.arrivals.setdefault(int(match.group(1)), now)
        self.changed.set()


def _as_text(data: Any) -> str:
    return data if isinstance(data, str) else json.dumps(data)


class ChatClient(Receiver):
    """A logged-in browser tab of the chat, speaking Reflex's event protocol."""

    def __init__(self, base_url: str, session_token: str) -> None:
        """Prepare the tab.

        Args:
            base_url: The chat's address.
            session_token: A session token from the HTTP API.
        """
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.session_token = session_token
        self.token = str(uuid.uuid4())
        self.room = ""
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("event", self._on_event, namespace="/_event")

    async def _on_event(self, data: Any) -> None:
        raw = _as_text(data)
        if match := ROOM_SLUG.search(raw):
            self.room = match.group(1)
        self.saw(raw)

    async def emit(self, name: str, payload: dict[str, Any]) -> None:
        """Send an event to a handler.

        Args:
            name: The full handler name.
            payload: Its arguments.
        """
        await self.sio.emit(
            "event",
            {
                "token": self.token,
                "name": name,
                "payload": payload,
                "router_data": {"pathname": "/", "query": {}, "asPath": "/"},
            },
            namespace="/_event",
        )

    async def connect(self, timeout: int = 60) -> None:
        """Open the socket, load the chat page and wait until in Sala 1.

        Args:
            timeout: Seconds allowed.
        """
        await self.sio.connect(
            f"{self.base_url}?token={self.token}",
            socketio_path="/_event",
            namespaces=["/_event"],
            transports=["websocket"],
            wait_timeout=timeout,
        )
        await self.emit(HYDRATE, {"vars": {TOKEN_VAR: self.session_token}})
        deadline = time.monotonic() + timeout
        while self.room != "sala-1":
            self.changed.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("The chat never put the client in Sala 1.")
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except TimeoutError:
                continue

    async def send(self, text: str) -> None:
        """Send a message.

        Args:
            text: The text.
        """
        await self.emit(SEND, {"form_data": {"text": text}})

    async def close(self) -> None:
        """Close the socket."""
        await self.sio.disconnect()


class BaselineClient(Receiver):
    """A client of the baseline server."""

    def __init__(self, base_url: str) -> None:
        """Prepare the client.

        Args:
            base_url: The baseline's address.
        """
        super().__init__()
        self.base_url = base_url
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("message", self._on_message)

    async def _on_message(self, data: Any) -> None:
        self.saw(_as_text(data))

    async def connect(self, timeout: int = 60) -> None:
        """Connect and join the room.

        Args:
            timeout: Seconds allowed.
        """
        await self.sio.connect(
            self.base_url, transports=["websocket"], wait_timeout=timeout
        )
        await self.sio.call("join", "sala-1", timeout=timeout)

    async def send(self, text: str) -> None:
        """Send a message to the room.

        Args:
            text: The text.
        """
        await self.sio.emit("message", {"room": "sala-1", "text": text})

    async def close(self) -> None:
        """Close the socket."""
        await self.sio.disconnect()
