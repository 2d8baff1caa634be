"""Background upkeep each backend process runs: keeping presence true."""

import asyncio
import logging
import time

from redis.exceptions import RedisError

from chat_app import chatroom, db, hub, logs
from chat_app.db import DatabaseUnavailableError
from chat_app.settings import get_settings
from chat_app.state import announce_members, view_delta

logger = logging.getLogger(__name__)


async def keep_presence_true() -> None:
    """Every few seconds, confirm this process's tabs and drop the silent ones.

    A tab closed, or cut off by a lost network, stops being confirmed and leaves
    its room within ``presence_stale_seconds`` plus one tick; typing that was never
    stopped expires. Registered as a lifespan task.
    """
    settings = get_settings()
    logs.bind_task("presence-upkeep")
    while True:
        await asyncio.sleep(settings.presence_tick_seconds)
        try:
            swept = await db.run(
                chatroom.sweep,
                live_sids=hub.local_sids(),
                now=time.time(),
                stale_after=settings.presence_stale_seconds,
            )
            if swept.member_rooms:
                logger.info(
                    "Silent tabs left their rooms.",
                    extra={"rooms": sorted(swept.member_rooms)},
                )
            for room in swept.member_rooms:
                announce_members(room)
            for room, typists in swept.typists.items():
                await hub.broadcast(room, view_delta(typists=typists))
        except asyncio.CancelledError:
            raise
        except (DatabaseUnavailableError, RedisError) as error:  # an outage
            logger.warning(
                "Presence upkeep cannot reach a dependency; retrying.",
                extra={"error": str(error)},
            )
        except Exception:  # the next tick tries again
            logger.warning("Presence upkeep failed; retrying.", exc_info=True)
