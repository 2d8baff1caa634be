"""Conversations' latest messages, told to their members outside them.

A conversation's tabs get its new message at once (``views.announce_message``);
its members elsewhere, once per ``unread_interval_seconds``, one key per
conversation (``views.live_key``): unread counts and the sidebar's previews,
only for conversations they belong to, never a channel per room per tab.
"""

import asyncio
import logging
import time
from typing import Any

from chat_app import db, logs
from chat_app.realtime import hub, sockets
from chat_app.realtime.views import (
    live_delta,
    live_versions,
    older_pages,
    online_delta,
)
from chat_app.rooms.members import members_by_room, peers_online
from chat_app.settings import get_settings

logger = logging.getLogger(__name__)


async def pass_on_activity() -> None:
    """Tell members elsewhere of their conversations' latest messages, each tick.

    Registered as a lifespan task. Every ``unread_interval_seconds``, the
    conversations that got messages since the last tick are told to the
    tabs of this process that may see them: the configured rooms to every
    signed-in tab at once, the others on each member's own channel (one
    update per member, with all of their conversations that changed). Each
    process works this out from the broadcasts it relays: nothing more
    crosses Redis.
    """
    logs.bind_task("unread-counts")
    while True:
        await asyncio.sleep(get_settings().unread_interval_seconds)
        if older_pages:  # closed tabs, or in no room: nothing to revise there
            for sid in older_pages.keys() - sockets.local_rooms().keys():
                older_pages.pop(sid, None)
        changed = hub.take_activity()
        try:
            if changed:
                await _tell_activity(changed)
            await _tell_presence()
        except Exception:  # keep counting after anything, with its traceback
            logger.warning("Unread counts were not passed on.", exc_info=True)


async def _tell_activity(changed: dict[str, dict[str, Any]]) -> None:
    """Send conversations' latest messages to the tabs here that may see them."""
    configured = {room.slug for room in get_settings().room_list()}
    everyone = {slug: v for slug, v in changed.items() if slug in configured}
    if everyone:
        await hub.emit_here(
            sockets.EVERYONE_CHANNEL,
            live_delta(everyone),
            versions=live_versions(everyone),
        )
    stored = [slug for slug in changed if slug not in configured]
    here = sockets.local_users()
    if not stored or not here:
        return
    members = await db.run(members_by_room, rooms=stored)
    by_user: dict[str, dict[str, dict[str, Any]]] = {}
    for slug, usernames in members.items():
        for username in set(usernames) & here:
            by_user.setdefault(username, {})[slug] = changed[slug]
    for username, activity in by_user.items():
        await hub.emit_here(
            sockets.user_channel(username),
            live_delta(activity),
            versions=live_versions(activity),
        )


# Per process: what each user's tabs here were last told of their direct
# conversations' other people (here or not), and when it was last looked at.
_told_online: dict[str, dict[str, bool]] = {}
_presence_at = 0.0


async def _tell_presence() -> None:
    """Tell the tabs here whether their direct conversations' others are here.

    At most every ``presence_dot_seconds``: one query for every user with a
    tab on this process, then an update only to those for whom it changed.
    """
    global _presence_at
    now = time.monotonic()
    if now - _presence_at < get_settings().presence_dot_seconds:
        return
    _presence_at = now
    here = sockets.local_users()
    for gone in _told_online.keys() - here:
        _told_online.pop(gone, None)
    if not here:
        return
    found = await db.run(peers_online, usernames=sorted(here))
    for username, peers in found.items():
        told = _told_online.setdefault(username, {})
        changed = {peer: on for peer, on in peers.items() if told.get(peer) != on}
        if changed:
            told.update(changed)
            await hub.emit_here(sockets.user_channel(username), online_delta(changed))
