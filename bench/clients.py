"""The baseline's client: a raw python-socketio room, not the chat's protocol.

It records arrivals and bytes as the chat's client does (:class:`Receiver`), so the
two are measured alike.
"""

from typing import Any

import socketio

from harness.protocol import Receiver, as_text

BASELINE_ROOM = "sala-1"


class BaselineClient(Receiver):
    """A client of the baseline server."""

    def __init__(self, base_url: str, room: str = BASELINE_ROOM) -> None:
        """Prepare the client.

        Args:
            base_url: The baseline's address.
            room: The room it joins.
        """
        super().__init__()
        self.base_url = base_url
        self.room = room
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("message", self._on_message)
        self.sio.on("typing", self._on_typing)

    async def _on_message(self, data: Any) -> None:
        self.saw(as_text(data))

    async def _on_typing(self, data: Any) -> None:
        self.typing_updates += 1
        self.saw(as_text(data))

    async def connect(self, timeout: int = 60) -> None:
        """Connect and join the room.

        Args:
            timeout: Seconds allowed.
        """
        await self.sio.connect(
            self.base_url, transports=["websocket"], wait_timeout=timeout
        )
        await self.sio.call("join", self.room, timeout=timeout)

    async def send(self, text: str) -> None:
        """Send a message to the room.

        Args:
            text: The text.
        """
        await self.sio.emit("message", {"room": self.room, "text": text})

    async def typing(self) -> None:
        """Tell the room this client is typing."""
        await self.sio.emit("typing", {"room": self.room})

    async def close(self) -> None:
        """Close the socket."""
        await self.sio.disconnect()
