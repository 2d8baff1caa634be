"""Changes to sent messages and mentions, as their readers are told of them.

An edit, a deletion or a reaction changes one message (and the replies quoting
it): each reaches the room as one small update, like a new message. A person
mentioned hears of it on their own channel, whatever room their tabs are in.
"""

import time
from typing import Any

from chat_app import db
from chat_app.domain.messages import ChatMessage, slot_of, window_start
from chat_app.realtime import hub, sockets
from chat_app.realtime.views import (
    activity_of,
    block_var,
    older_pages,
    older_var,
    var_key,
    view_delta,
)
from chat_app.rooms import mentions, reading
from chat_app.rooms.actions import Changed


async def tell_mentioned(usernames: list[str]) -> None:
    """Send people whose mentions changed their marks, on their own channels.

    The marks are read once the change is committed, and versioned by when
    they were read: of two changes at once, the later read, which sees both,
    is the one kept.

    Args:
        usernames: The people.
    """
    for username in usernames:
        read_at = time.time_ns() // 1000
        marks = await db.run(mentions.marks_of, username=username)
        await hub.publish(
            sockets.user_channel(username),
            delta=view_delta(mentioned=marks),
            versions={f"mentioned:{username}": (read_at, [var_key("mentioned")])},
        )


async def announce_change(changed: Changed) -> None:
    """Send a room the messages that changed (edited, deleted, reacted to).

    A block in the live window goes to the room's tabs like a new message's
    (one small update, versioned so that a later change is never overwritten
    by an earlier one arriving late). A message above the window reaches only
    the tabs holding the page of older history it is in: each process sends
    those of its tabs their page again.

    Args:
        changed: What the room service changed.
    """
    room, start = changed.room, window_start(changed.latest)
    older = list(changed.older_replies)
    # The room's latest message changed: the previews say so (``activity``).
    newest = max(
        (message for shown in changed.blocks.values() for message in shown),
        key=lambda message: message.id,
        default=None,
    )
    activity = (
        {room: activity_of(newest, changed.read_at_us)}
        if newest is not None and newest.id == changed.latest
        else None
    )
    for block, shown in changed.blocks.items():
        if not shown:
            continue
        if shown[-1].id < start:
            older += [message.id for message in shown]
            continue
        slot = slot_of(block)
        name = block_var(slot)
        await hub.broadcast(
            room,
            view_delta(**{name: shown}),
            versions={
                f"block:{room}:{slot}": (shown[-1].id, [var_key(name)]),
                f"change:{room}:{slot}": (
                    changed.read_at_us,
                    [var_key(name)],
                ),
            },
            activity=activity,
        )
    if older:
        await hub.carry_out_everywhere(
            {"op": "revise", "room": room, "seqs": sorted(older)}
        )
    await tell_mentioned(changed.mentioned)


async def revise_older_pages(order: dict[str, Any]) -> None:
    """Send this process's tabs in a room their pages holding changed messages.

    Args:
        order: ``{"room": slug, "seqs": [numbers]}`` (see :func:`announce_change`).
    """
    room, seqs = order["room"], order["seqs"]
    rooms = sockets.local_rooms()
    read: dict[tuple[int, int], list[ChatMessage]] = {}
    for sid, pages in list(older_pages.items()):
        if sid not in rooms:
            older_pages.pop(sid, None)  # gone, or in no room
            continue
        if rooms[sid] != room:
            continue
        for slot, (first, last) in pages.items():
            if not any(first <= seq <= last for seq in seqs):
                continue
            if (first, last) not in read:
                read[first, last] = await db.run(
                    reading.history, room=room, first=first, last=last
                )
            await sockets.send_to(
                sid, view_delta(**{older_var(slot): read[first, last]})
            )


hub.on_order("revise", revise_older_pages)
