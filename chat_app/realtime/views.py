"""The wire format of a room's view: the state tabs render, and deltas of it.

A tab is sent its room's whole view when it arrives (``show_room``) and every
change after that as one broadcast delta of ``RoomViewState`` (see ``hub``), built
here by ``view_delta``. So the per-tab state on the server stays small however
busy the room, and one encoded update serves every member.
"""

import asyncio
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import reflex as rx
from reflex_base.constants.state import FIELD_MARKER

from chat_app import db, logs
from chat_app.domain.history import OLDER_SLOTS, OlderHistory
from chat_app.domain.messages import (
    RING_BLOCKS,
    ChatMessage,
    window_start,
)
from chat_app.domain.text import Text
from chat_app.realtime import hub, sockets
from chat_app.rooms import mentions, presence, read_marks
from chat_app.rooms.messages import Posted, RoomView
from chat_app.settings import get_settings

# What the sender reads when a message was stored but Redis could not pass it on.
NOT_ANNOUNCED = Text(
    "Your message was saved, but the chat could not pass it on right now (its "
    "Redis is unreachable): the others will see it when they reopen the room."
)

logger = logging.getLogger(__name__)

# Per process: the pages of older history each of its tabs holds, by socket and
# slot (first and last message), so a change to a message in one reaches them
# (see ``changes``).
older_pages: dict[str, dict[int, tuple[int, int]]] = {}


def block_var(slot: int) -> str:
    """The name of the var holding a ring slot.

    Args:
        slot: The slot.

    Returns:
        ``block_<slot>``.
    """
    return f"block_{slot}"


def older_var(slot: int) -> str:
    """The name of the var holding a page of older history.

    Args:
        slot: The page's slot.

    Returns:
        ``older_<slot>``.
    """
    return f"older_{slot}"


MESSAGE_LISTS = [
    *map(block_var, range(RING_BLOCKS)),
    *map(older_var, range(OLDER_SLOTS)),
]


class RoomViewState(rx.State):
    """What a tab shows of its room; the vars live in the browser only.

    The server never sets them in a tab's state: a tab is sent its room's view
    when it arrives (``show_room``) and every change after that by broadcast
    (``hub``). So nothing here may be computed on the server: no computed vars,
    no handlers.

    The live window is a ring of blocks (see ``domain.messages``); ``head`` is the
    slot of the newest block. Above it, ``older_<n>`` hold the pages of history
    the tab loaded, each sent once.
    """

    members: rx.Field[list[str]] = rx.field(default_factory=list)
    # The members' pictures: username to version (``presence.avatars``).
    avatars: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    # The latest message mentioning this tab's user in each room (sent on the
    # user's own channel): a room shows "@" while it is above ``last_read``.
    mentioned: rx.Field[dict[str, int]] = rx.field(default_factory=dict)
    # The highest of this tab's user's messages someone else saw, by room (sent
    # on the user's own channel, never to the room): ✓✓ up to it.
    seen: rx.Field[dict[str, int]] = rx.field(default_factory=dict)
    typists: rx.Field[list[str]] = rx.field(default_factory=list)
    first_unread: rx.Field[int] = rx.field(0)
    latest: rx.Field[dict[str, int]] = rx.field(default_factory=dict)
    last_read: rx.Field[dict[str, int]] = rx.field(default_factory=dict)
    has_older: rx.Field[bool] = rx.field(False)
    # The newest older message loaded, and where the live window starts now: a
    # gap between them (the window moved on) can be loaded too.
    older_last: rx.Field[int] = rx.field(0)
    ring_start: rx.Field[int] = rx.field(1)
    head: rx.Field[int] = rx.field(0)
    # One var per slot of the ring (``block_<n>``) and per page of older history
    # the tab loaded (``older_<n>``, in the order they were loaded, laid out by
    # their first message).
    __annotations__.update(dict.fromkeys(MESSAGE_LISTS, rx.Field[list[ChatMessage]]))
    locals().update({name: rx.field(default_factory=list) for name in MESSAGE_LISTS})


def var_key(name: str) -> str:
    """How a var of the view is named on the wire.

    Args:
        name: The var's name.

    Returns:
        The key in a delta.
    """
    return f"{name}{FIELD_MARKER}"


def view_delta(**changes: Any) -> sockets.Delta:
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
            var_key(name): plain(value) for name, value in changes.items()
        }
    }


async def show_room(
    sid: str, view: RoomView | None, along: sockets.Delta | None = None
) -> None:
    """Send one tab the whole view of its room, or an empty one.

    Args:
        sid: The tab's socket.
        view: The room as it is now; None to show nothing.
        along: The tab's own vars that must change with the view (its room's
            slug, which names the messages shown), sent in the same update.
    """
    older_pages.pop(sid, None)
    blocks = {
        block_var(slot): view.blocks[slot] if view else []
        for slot in range(RING_BLOCKS)
    }
    pages: dict[str, list[ChatMessage]] = {
        older_var(slot): [] for slot in range(OLDER_SLOTS)
    }
    oldest = view.oldest if view else 1
    # Numbers read from the database count as delivered here: later unread
    # ticks of this process never send a lower one.
    latest = hub.note_counters(var_key("latest"), view.latest) if view else {}
    await sockets.send_to(
        sid,
        (along or {})
        | view_delta(
            members=view.members if view else [],
            avatars=view.avatars if view else {},
            mentioned=view.mentioned if view else {},
            seen=view.seen if view else {},
            typists=view.typists if view else [],
            head=view.head if view else 0,
            first_unread=view.first_unread if view else 0,
            latest=latest,
            last_read=view.last_read if view else {},
            has_older=oldest > 1,
            older_last=oldest - 1,
            ring_start=oldest,
            **blocks,
            **pages,
        ),
    )


async def show_older_page(
    sid: str, *, slot: int, page: list[ChatMessage], older: OlderHistory
) -> None:
    """Send one tab a page of its room's older history (only that page).

    Args:
        sid: The tab's socket.
        slot: The slot the page goes in.
        page: Its messages, oldest first.
        older: What the tab has loaded, this page included.
    """
    if page:
        older_pages.setdefault(sid, {})[slot] = (page[0].id, page[-1].id)
    await sockets.send_to(
        sid,
        view_delta(
            **{older_var(slot): page},
            has_older=older.has_older,
            older_last=older.last,
        ),
    )


async def announce_message(room: str, posted: Posted) -> None:
    """Send a new message to its room's tabs (the others hear of its number later).

    The room's tabs get the message's block (not the whole window), the ring's
    head and start, and each room's latest number. Each part is versioned by the
    message's number, so an earlier message's update that reaches a process late
    (another process published it) never takes a block or the head back.

    Args:
        room: The room's slug.
        posted: What the room service stored.
    """
    seq, slot = posted.message.id, posted.slot
    changes: dict[str, Any] = {
        block_var(slot): posted.block,
        "head": slot,
        "ring_start": window_start(seq),
        "latest": posted.latest,
    }
    if posted.typists is not None:
        changes["typists"] = posted.typists
    versions = {
        f"block:{room}:{slot}": (seq, [var_key(block_var(slot))]),
        # By slot, like the block: what this process remembers stays bounded.
        f"change:{room}:{slot}": (posted.read_at_us, [var_key(block_var(slot))]),
        f"head:{room}": (
            seq,
            [var_key("head"), var_key("ring_start"), var_key("typists")],
        ),
    }
    await hub.broadcast(
        room, view_delta(**changes), versions=versions, counters=[var_key("latest")]
    )


async def pass_on_unread_counts() -> None:
    """Tell quiet rooms' tabs each room's latest number, at most once per interval.

    Registered as a lifespan task. A room's tabs get every room's latest
    number with each of the room's messages; a room that had none since the
    last tick (and the tabs in no room) is told once per
    ``unread_interval_seconds`` if a number grew since it was last told. Each
    process works the numbers out from the room broadcasts it relays: nothing
    more crosses Redis.
    """
    logs.bind_task("unread-counts")
    while True:
        await asyncio.sleep(get_settings().unread_interval_seconds)
        growth, latest = hub.counters(var_key("latest"))
        busy = hub.take_recent()
        rooms = [sockets.room_channel(r.slug) for r in get_settings().room_list()]
        if older_pages:  # closed tabs, or in no room: nothing to revise there
            for sid in older_pages.keys() - sockets.local_rooms().keys():
                older_pages.pop(sid, None)
        for channel in [*rooms, sockets.WATCH_CHANNEL]:
            if hub.told_at(channel) == growth or channel in busy:
                # Told every number as of now; or a busy room, whose next
                # message (or the next tick, once it is quiet) tells it.
                continue
            try:
                await hub.emit_here(
                    channel, view_delta(latest=latest), counters=[var_key("latest")]
                )
            except Exception:  # keep counting after anything, with its traceback
                logger.warning("Unread counts were not passed on.", exc_info=True)
        hub.take_recent()  # what this tick sent is no sign of a busy room


async def show_read_state(sid: str, username: str, rooms: list[str]) -> None:
    """Send one tab the rooms' latest numbers and its user's read and mention marks.

    Args:
        sid: The tab's socket.
        username: The tab's user.
        rooms: The rooms' slugs.
    """
    latest, last_read = await db.run(
        read_marks.read_state, username=username, rooms=rooms
    )
    mentioned = await db.run(mentions.marks_of, username=username)
    counted = hub.note_counters(var_key("latest"), latest)
    await sockets.send_to(
        sid, view_delta(latest=counted, last_read=last_read, mentioned=mentioned)
    )


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
