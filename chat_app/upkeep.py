"""Background upkeep each backend process runs: presence, sockets, clean-ups."""

import asyncio
import logging
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

from redis.exceptions import RedisError

from chat_app import attempts, db, logs, sessions
from chat_app.db import DatabaseUnavailableError
from chat_app.realtime import hub, sockets
from chat_app.realtime.roster import announce_members, announce_typists
from chat_app.rooms import liveness
from chat_app.settings import get_settings
from chat_app.uploads import records
from chat_app.uploads.receive import remove_stored

logger = logging.getLogger(__name__)


async def _every(seconds: float, task: str, step: Callable[[], Awaitable[None]]):
    """Run ``step`` every ``seconds``, for ever, surviving its failures.

    Args:
        seconds: The pause before each run.
        task: The task's name in the logs.
        step: The work.
    """
    logs.bind_task(task)
    while True:
        await asyncio.sleep(seconds)
        try:
            await step()
        except asyncio.CancelledError:
            raise
        except (DatabaseUnavailableError, RedisError) as error:  # an outage
            logger.warning(
                "Upkeep cannot reach a dependency; retrying.",
                extra={"error": str(error)},
            )
        except Exception:  # the next run tries again
            logger.warning("Upkeep failed; retrying.", exc_info=True)


async def _sweep_presence(on_evict: list[dict[str, Any]]) -> None:
    settings = get_settings()
    now = time.time()
    # What the frequent events check sessions against (sessions.verify_known).
    sessions.REVOKED.replace(await db.run(sessions.revoked_ids, now=now), now=now)
    sessions.REVOKED.replace_banned(await db.run(sessions.banned_ids))
    await db.run(liveness.confirm_tabs, live_sids=sockets.local_sids(), now=now)
    swept = await db.run(
        liveness.sweep,
        now=now,
        stale_after=settings.presence_stale_seconds,
        typing_ttl=settings.typing_ttl_seconds,
    )
    if swept.member_rooms:
        logger.info(
            "Silent tabs left their rooms.",
            extra={"rooms": sorted(swept.member_rooms)},
        )
    if swept.evicted_sids:
        logger.info(
            "Tabs of ended sessions evicted.", extra={"count": len(swept.evicted_sids)}
        )
    for room in swept.member_rooms:
        announce_members(room)
    for room in swept.typists:
        announce_typists(room)
    # Should this message be lost, each process's next tick mends its sockets.
    await hub.reseat(swept.evicted_sids, room=None, events=on_evict)
    await _follow_the_database(on_evict)


async def _follow_the_database(on_move: list[dict[str, Any]]) -> None:
    """Put this process's sockets where the database says their tabs are.

    Moves and evictions travel between processes once, as messages that can be
    lost (Redis restarting, a race with the tab's own next move): every tick,
    each process checks its own sockets against the database and mends them, so
    a socket never hears a room its tab is not listed in.
    """
    held = sockets.local_rooms()
    truth = await db.run(liveness.rooms_of_sockets, sids=set(held))
    for sid, room in held.items():
        if sid not in truth:
            await sockets.drop(sid)  # its tab left, or its session ended
        elif truth[sid][0] != room:
            await sockets.enter(sid, truth[sid][0], truth[sid][1])
            await sockets.send_to(sid, {}, events=on_move)


async def clean_unsent_uploads(now: float | None = None) -> int:
    """Delete the uploads no message carried within ``upload_ttl_seconds``.

    The rows go first (in one transaction, so two processes never both claim
    one), then their files.

    Args:
        now: The current time (the clock by default).

    Returns:
        How many uploads were removed.
    """
    settings = get_settings()
    names = await db.run(
        records.expire_unsent_uploads,
        now=time.time() if now is None else now,
        older_than=settings.upload_ttl_seconds,
    )
    await remove_stored(settings.upload_dir, names)
    if names:
        logger.info("Unsent uploads removed.", extra={"count": len(names)})
    return len(names)


async def _clean_up() -> None:
    await clean_unsent_uploads()
    settings = get_settings()
    forgotten = await db.run(
        attempts.forget_old,
        now=time.time(),
        older_than=max(
            settings.login_window_seconds,
            settings.registration_window_seconds,
            attempts.AVATAR_WINDOW_SECONDS,
            settings.message_rate_window_seconds,  # actions on messages
        ),
    )
    if forgotten:
        logger.info("Old counted attempts forgotten.", extra={"count": forgotten})


async def announce_start() -> None:
    """Log, once per backend process, what it runs on (no passwords).

    Registered as a lifespan task.
    """
    settings = get_settings()
    logs.bind_task("startup")
    logger.info(
        "Backend process started.",
        extra={
            "env": settings.env,
            "database": settings.database_label(),
            "redis": "configured" if settings.redis_url else "not configured",
            "pid": os.getpid(),
        },
    )


async def keep_presence_true(on_evict: list[dict[str, Any]] | None = None) -> None:
    """Every few seconds, confirm this process's tabs and drop the silent ones.

    A tab closed, or cut off by a lost network, stops being confirmed and leaves
    its room within ``presence_stale_seconds`` plus one tick; typing that was never
    stopped expires. A tab whose session was revoked (a logout anywhere) or
    expired leaves within one tick: its socket is taken out of every room by the
    process holding it, and the tab is sent ``on_evict``. Registered as a
    lifespan task.

    Args:
        on_evict: Reflex events for an evicted tab to run (to go to log in).
    """

    async def sweep() -> None:
        await _sweep_presence(on_evict or [])

    await _every(get_settings().presence_tick_seconds, "presence-upkeep", sweep)


async def clean_up_regularly() -> None:
    """Every few minutes, remove uploads never sent and attempts no longer counted.

    Registered as a lifespan task.
    """
    await _every(get_settings().upload_cleanup_seconds, "cleanup", _clean_up)
