"""The wire format of a room's view: the state tabs render, and deltas of it.

A tab is sent its room's whole view when it arrives (``show_room``) and every
change after that as one broadcast delta of ``RoomViewState`` (see ``hub``), built
here by ``view_delta``. So the per-tab state on the server stays small however
busy the room, and one encoded update serves every member.
"""

import dataclasses
import logging
from typing import Any

import reflex as rx
from reflex_base.constants.state import FIELD_MARKER

from chat_app import db
from chat_app.domain.history import OLDER_SLOTS, OlderHistory
from chat_app.domain.messages import (
    RING_BLOCKS,
    ChatMessage,
    window_start,
)
from chat_app.domain.text import Text
from chat_app.realtime import hub, sockets
from chat_app.rooms import mentions, read_marks
from chat_app.rooms.messages import Posted, RoomView
from chat_app.rooms.overview import Overview, latest_message_line

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

    Besides its declared vars it holds one key per conversation of its user,
    ``live_key(slug)``: the conversation's latest message as it arrives (see
    ``live_of``), so one conversation's news is a few bytes, not the whole list.

    The live window is a ring of blocks (see ``domain.messages``); ``head`` is the
    slot of the newest block. Above it, ``older_<n>`` hold the pages of history
    the tab loaded, each sent once.
    """

    members: rx.Field[list[str]] = rx.field(default_factory=list)
    # The user's conversations (``rooms.overview``), each with its latest message
    # when the tab arrived; what arrived since is under ``live_key(slug)``.
    conversations: rx.Field[list[Overview]] = rx.field(default_factory=list)
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
    # Whether the older pages are a run around a message jumped to from far
    # back: the gap below them then loads downward ("Load newer messages").
    anchored: rx.Field[bool] = rx.field(False)
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
    sid: str,
    view: RoomView | None,
    along: sockets.Delta | None = None,
    conversations: list[Overview] | None = None,
) -> None:
    """Send one tab the whole view of its room, or an empty one.

    Args:
        sid: The tab's socket.
        view: The room as it is now; None to show nothing.
        along: The tab's own vars that must change with the view (its room's
            slug, which names the messages shown), sent in the same update.
        conversations: The user's conversations, if they may have changed.
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
    listed = {} if conversations is None else {"conversations": conversations}
    await sockets.send_to(
        sid,
        (along or {})
        | view_delta(
            **listed,
            members=view.members if view else [],
            avatars=view.avatars if view else {},
            mentioned=view.mentioned if view else {},
            seen=view.seen if view else {},
            typists=view.typists if view else [],
            head=view.head if view else 0,
            first_unread=view.first_unread if view else 0,
            latest=view.latest if view else {},
            last_read=view.last_read if view else {},
            has_older=oldest > 1,
            older_last=oldest - 1,
            ring_start=oldest,
            anchored=False,
            **blocks,
            **pages,
        ),
    )


async def show_conversations(sid: str, conversations: list[Overview]) -> None:
    """Send one tab its user's list of conversations again.

    Args:
        sid: The tab's socket.
        conversations: The list (``rooms.overview``).
    """
    await sockets.send_to(sid, view_delta(conversations=conversations))


async def show_older_page(
    sid: str,
    *,
    slot: int,
    page: list[ChatMessage],
    older: OlderHistory,
    clear: bool = False,
) -> None:
    """Send one tab a page of its room's older history (only that page).

    Args:
        sid: The tab's socket.
        slot: The slot the page goes in.
        page: Its messages, oldest first.
        older: What the tab has loaded, this page included.
        clear: Whether the tab's other pages go (a jump that anchored it).
    """
    if clear:
        older_pages.pop(sid, None)
    if page:
        older_pages.setdefault(sid, {})[slot] = (page[0].id, page[-1].id)
    emptied = {older_var(n): [] for n in range(OLDER_SLOTS) if clear and n != slot}
    await sockets.send_to(
        sid,
        view_delta(
            **emptied,
            **{older_var(slot): page},
            has_older=older.has_older,
            older_last=older.last,
            anchored=older.anchored,
        ),
    )


def live_key(slug: str) -> str:
    """The key of ``RoomViewState`` holding a conversation's latest message.

    Args:
        slug: The conversation's slug.

    Returns:
        ``live:<slug>``.
    """
    return f"live:{slug}"


def live_delta(activity: dict[str, dict[str, Any]]) -> sockets.Delta:
    """A delta of conversations' latest messages, one key each.

    Args:
        activity: Slug to ``{"n", "at", "by", "text"}``.

    Returns:
        The delta.
    """
    return {
        RoomViewState.get_full_name(): {
            live_key(slug): latest for slug, latest in activity.items()
        }
    }


def online_delta(peers: dict[str, bool]) -> sockets.Delta:
    """A delta of whether people are here, one key each (``online:<username>``).

    Args:
        peers: Username to whether they have a tab open.

    Returns:
        The delta.
    """
    return {
        RoomViewState.get_full_name(): {
            f"online:{name}": here for name, here in peers.items()
        }
    }


def live_versions(activity: dict[str, dict[str, Any]]) -> hub.Versions:
    """Each latest message versioned by its number: an older one never wins.

    Args:
        activity: Slug to ``{"n", ...}``.

    Returns:
        The versions.
    """
    return {
        live_key(slug): (hub.activity_version(latest), [live_key(slug)])
        for slug, latest in activity.items()
    }


def activity_of(message: ChatMessage, read_at_us: int) -> dict[str, Any]:
    """A message as its conversation's latest: number, time, author, preview.

    Args:
        message: The message as shown now (a deleted one previews nothing).
        read_at_us: When it was read (orders its edits).

    Returns:
        ``{"n", "v", "at", "by", "text"}``.
    """
    files = [file.name for file in (*message.images, *message.files)]
    return {
        "n": message.id,
        "v": read_at_us,
        "at": message.sent_at_ms,
        "by": "" if message.deleted else message.author,
        "text": "" if message.deleted else latest_message_line(message.text, files),
    }


async def announce_message(room: str, posted: Posted) -> None:
    """Send a new message to its room's tabs; its members elsewhere hear later.

    The room's tabs get the message's block (not the whole window), the ring's
    head and start, and the room's latest message. Each part is versioned by
    the message's number, so an earlier message's update that reaches a
    process late (another process published it) never takes a block or the
    head back. Every process notes the latest message for the members
    elsewhere (``pass_on_activity``).

    Args:
        room: The room's slug.
        posted: What the room service stored.
    """
    seq, slot = posted.message.id, posted.slot
    changes: dict[str, Any] = {
        block_var(slot): posted.block,
        "head": slot,
        "ring_start": window_start(seq),
    }
    if posted.typists is not None:
        changes["typists"] = posted.typists
    activity = {room: activity_of(posted.message, posted.read_at_us)}
    delta = view_delta(**changes)
    delta[RoomViewState.get_full_name()].update(
        live_delta(activity)[RoomViewState.get_full_name()]
    )
    versions = {
        f"block:{room}:{slot}": (seq, [var_key(block_var(slot))]),
        # By slot, like the block: what this process remembers stays bounded.
        f"change:{room}:{slot}": (posted.read_at_us, [var_key(block_var(slot))]),
        f"head:{room}": (
            seq,
            [var_key("head"), var_key("ring_start"), var_key("typists")],
        ),
        **live_versions(activity),
    }
    await hub.broadcast(room, delta, versions=versions, activity=activity)


async def show_read_state(sid: str, username: str, configured: list[str]) -> None:
    """Send one tab its user's conversations' latest numbers, read and mention marks.

    Args:
        sid: The tab's socket.
        username: The tab's user.
        configured: The configured rooms' slugs.
    """
    latest, last_read = await db.run(
        read_marks.read_state, username=username, configured=configured
    )
    mentioned = await db.run(mentions.marks_of, username=username)
    await sockets.send_to(
        sid, view_delta(latest=latest, last_read=last_read, mentioned=mentioned)
    )
