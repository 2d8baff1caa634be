"""The wire format of a room's view: the state tabs render, and deltas of it.

A tab is sent its room's whole view when it arrives (``show_room``) and every
change after that as one broadcast delta of ``RoomViewState`` (see ``hub``), built
here by ``view_delta``. So the per-tab state on the server stays small however
busy the room, and one encoded update serves every member.
"""

import dataclasses
import time
from typing import Any

import reflex as rx
from reflex_base.constants.state import FIELD_MARKER

from chat_app import db
from chat_app.domain.messages import RING_BLOCKS, ChatMessage
from chat_app.realtime import hub
from chat_app.rooms import presence
from chat_app.rooms.messages import RoomView
from chat_app.settings import get_settings


class RoomViewState(rx.State):
    """What a tab shows of its room; the vars live in the browser only.

    The server never sets them in a tab's state: a tab is sent its room's view
    when it arrives (``show_room``) and every change after that by broadcast
    (``hub``). So nothing here may be computed on the server: no computed vars,
    no handlers.

    The live window is a ring of blocks (see ``domain.messages``); ``head`` is the
    slot of the newest block.
    """

    members: rx.Field[list[str]] = rx.field(default_factory=list)
    typists: rx.Field[list[str]] = rx.field(default_factory=list)
    first_unread: rx.Field[int] = rx.field(0)
    latest: rx.Field[dict[str, int]] = rx.field(default_factory=dict)
    last_read: rx.Field[dict[str, int]] = rx.field(default_factory=dict)
    older: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)
    has_older: rx.Field[bool] = rx.field(False)
    head: rx.Field[int] = rx.field(0)
    block_0: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)
    block_1: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)
    block_2: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)
    block_3: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)
    block_4: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)
    block_5: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)
    block_6: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)
    block_7: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)
    block_8: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)
    block_9: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)
    block_10: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)
    block_11: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)
    block_12: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)
    block_13: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)
    block_14: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)
    block_15: rx.Field[list[ChatMessage]] = rx.field(default_factory=list)


def block_var(slot: int) -> str:
    """The name of the var holding a ring slot.

    Args:
        slot: The slot.

    Returns:
        ``block_<slot>``.
    """
    return f"block_{slot}"


def view_delta(**changes: Any) -> hub.Delta:
    """A delta of ``RoomViewState`` vars, ready to broadcast.

    Args:
        **changes: Var names and their new values.

    Returns:
        ``{state name: {var name: JSON-ready value}}``.
    """

    def plain(value: Any) -> Any:
        if isinstance(value, list):
            return [plain(item) for item in value]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return dataclasses.asdict(value)
        return value

    return {
        RoomViewState.get_full_name(): {
            f"{name}{FIELD_MARKER}": plain(value) for name, value in changes.items()
        }
    }


async def show_room(sid: str, view: RoomView | None) -> None:
    """Send one tab the whole view of its room, or an empty one.

    Args:
        sid: The tab's socket.
        view: The room as it is now; None to show nothing.
    """
    blocks = {
        block_var(slot): view.blocks[slot] if view else []
        for slot in range(RING_BLOCKS)
    }
    await hub.send_to(
        sid,
        view_delta(
            members=view.members if view else [],
            typists=view.typists if view else [],
            head=view.head if view else 0,
            first_unread=view.first_unread if view else 0,
            latest=view.latest if view else {},
            last_read=view.last_read if view else {},
            older=[],
            has_older=bool(view and view.oldest > 1),
            **blocks,
        ),
    )


def announce_members(room: str) -> None:
    """Tell a room, shortly, who is in it and who is typing now.

    Args:
        room: The room's slug.
    """

    async def delta() -> hub.Delta:
        now = time.time()
        members = await db.run(presence.members, room)
        typists = await db.run(
            presence.typists, room, now=now, ttl=get_settings().typing_ttl_seconds
        )
        return view_delta(members=members, typists=typists)

    hub.announce_soon(room, f"members:{room}", delta)


async def announce_typists(room: str, typists: list[str]) -> None:
    """Tell a room who is typing now.

    Args:
        room: The room's slug.
        typists: The usernames, in the order they started.
    """
    await hub.broadcast(room, view_delta(typists=typists))
