"""A client speaking Reflex's own event protocol over socket.io, as a browser tab does.

It keeps every update the server pushed, so tests can check what a socket carried,
not only what a page rendered.
"""

import asyncio
import json
import time
import uuid
from typing import Any

import socketio

from chat_app.domain.messages import RING_BLOCKS
from chat_app.state import AuthState, ChatState, RoomViewState, block_var

ROOT = "reflex___state____state"
AUTH = AuthState.get_full_name()
CHAT = ChatState.get_full_name()
ROOM = RoomViewState.get_full_name()
FIELD_SUFFIX = "_rx_state_"


class ReflexClient:
    """One simulated browser tab."""

    def __init__(self, base_url: str, session_token: str = "") -> None:
        """Prepare a client with a fresh tab token.

        Args:
            base_url: The chat's address, e.g. ``http://localhost:8000``.
            session_token: The login session the browser's localStorage holds.
        """
        self.base_url = base_url.rstrip("/")
        self.session_token = session_token
        self.token = str(uuid.uuid4())
        self.sio = socketio.AsyncClient(reconnection=False)
        self.updates: list[dict[str, Any]] = []
        self.raw: list[str] = []
        self.state: dict[str, dict[str, Any]] = {}
        self._changed = asyncio.Event()
        self.sio.on("event", self._on_event, namespace="/_event")

    async def _on_event(self, data: Any) -> None:
        update = json.loads(data) if isinstance(data, str) else data
        self.raw.append(json.dumps(update))
        self.updates.append(update)
        for state_name, values in (update.get("delta") or {}).items():
            self.state.setdefault(state_name, {}).update(values)
        self._changed.set()

    async def connect(self) -> "ReflexClient":
        """Open the socket and hydrate the chat page, like a page load.

        The page's on_load runs: with a valid session the tab enters the default
        room; without one it is sent to the login page.

        Returns:
            This client.
        """
        await self.sio.connect(
            f"{self.base_url}?token={self.token}",
            socketio_path="/_event",
            namespaces=["/_event"],
            transports=["websocket"],
            wait_timeout=20,
        )
        storage = {f"{AUTH}.session_token{FIELD_SUFFIX}": self.session_token}
        await self.emit(f"{ROOT}.hydrate_and_load", {"vars": storage})
        await self.wait_for(lambda: self.var(ROOT, "is_hydrated") is True)
        return self

    async def close(self) -> None:
        """Close the socket."""
        await self.sio.disconnect()

    async def emit(self, handler: str, payload: dict[str, Any]) -> None:
        """Send an event to a handler.

        Args:
            handler: The full handler name, or ``state.handler`` short form via
                :func:`chat_event`.
            payload: The handler's keyword arguments.
        """
        await self.sio.emit(
            "event",
            {
                "token": self.token,
                "name": handler,
                "payload": payload,
                "router_data": {"pathname": "/", "query": {}, "asPath": "/"},
            },
            namespace="/_event",
        )

    def var(self, state_name: str, name: str) -> Any:
        """The latest value the server sent for a var.

        Args:
            state_name: The state's full name.
            name: The var's name.

        Returns:
            The value, or None if never sent.
        """
        values = self.state.get(state_name, {})
        return values.get(name + FIELD_SUFFIX, values.get(name))

    async def wait_for(self, predicate, timeout: float = 10) -> None:
        """Wait until the state this client received satisfies a condition.

        Args:
            predicate: A function of no arguments.
            timeout: Seconds to wait.

        Raises:
            TimeoutError: If it did not happen in time.
        """
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("The server never sent the awaited update.")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                continue

    def carried(self, text: str) -> bool:
        """Whether any update this socket received contained some text.

        Args:
            text: The text to look for.

        Returns:
            True if it appeared anywhere in what the server sent.
        """
        return any(text in raw for raw in self.raw)

    async def join(self) -> None:
        """Enter the default room again (after leaving it)."""
        await self.emit(f"{CHAT}.join", {})

    async def send(self, text: str) -> None:
        """Send a message.

        Args:
            text: The text.
        """
        await self.emit(f"{CHAT}.send", {"form_data": {"text": text}})

    async def leave(self) -> None:
        """Leave the current room."""
        await self.emit(f"{CHAT}.leave", {})

    async def switch_room(self, slug: str) -> None:
        """Move to another room.

        Args:
            slug: The room's slug.
        """
        await self.emit(f"{CHAT}.switch_room", {"slug": slug})

    async def typing(self, draft: str) -> None:
        """Type into the composer: the draft, then the typing-started report.

        Args:
            draft: The composer's text.
        """
        await self.emit(f"{CHAT}.set_draft", {"value": draft})
        await self.emit(f"{CHAT}.typing_started", {})

    async def stop_typing(self) -> None:
        """Report the 3 s idle stop."""
        await self.emit(f"{CHAT}.typing_stopped", {})

    def members(self) -> list[str]:
        """The member list last received."""
        return self.var(ROOM, "members") or []

    def typists(self) -> list[str]:
        """The typing list last received."""
        return self.var(ROOM, "typists") or []

    def messages(self) -> list[dict[str, Any]]:
        """The live window as the browser would lay it out, oldest first."""
        head = self.var(ROOM, "head") or 0
        order = [(head + 1 + offset) % RING_BLOCKS for offset in range(RING_BLOCKS)]
        return [m for slot in order for m in self.var(ROOM, block_var(slot)) or []]

    def room_slug(self) -> str:
        """The room this tab is in, as the server last said."""
        return self.var(CHAT, "room_slug") or ""

    def redirected_to(self) -> list[str]:
        """The paths the server told this tab to navigate to."""
        return [
            event["payload"].get("path", "")
            for update in self.updates
            for event in update.get("events") or []
            if event.get("name") == "_redirect"
        ]

    def error(self) -> str:
        """The error last received."""
        return self.var(CHAT, "error") or ""
