"""How far behind this process's event loop runs, so typing is shed first.

Every delivery, event and broadcast of this process runs on one event loop. A
lifespan task keeps asking it for a short nap and measures how late it wakes:
when the lateness passes ``shed_typing_lag_seconds``, the chat stops reporting
typing (a courtesy) so that the messages (the substance) keep flowing.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from chat_app import logs
from chat_app.settings import get_settings

NAP = 0.05
# How much of each new measure the gauge takes in: a few naps to rise and fall.
WEIGHT = 0.3

logger = logging.getLogger(__name__)
_lag = 0.0


def lag() -> float:
    """How late the event loop has been running lately, in seconds (smoothed).

    Returns:
        The lag; 0 when the loop keeps up.
    """
    return _lag


def shedding() -> bool:
    """Whether the process is too busy for typing reports now.

    Returns:
        True while the loop runs later than ``shed_typing_lag_seconds``.
    """
    return _lag > get_settings().shed_typing_lag_seconds


def record(late: float) -> None:
    """Take one measure of lateness into the gauge.

    Args:
        late: How late one nap ended, in seconds.
    """
    global _lag
    was = shedding()
    _lag = (1 - WEIGHT) * _lag + WEIGHT * max(0.0, late)
    if shedding() != was:
        logger.info(
            "Typing is shed: the server is busy."
            if not was
            else "Typing is reported again.",
            extra={"lag_ms": round(_lag * 1000)},
        )


async def watch_the_loop(
    nap: Callable[[float], Awaitable[None]] = asyncio.sleep,
    clock: Callable[[], float] | None = None,
) -> None:
    """Measure the event loop's lateness for as long as the process runs.

    Registered as a lifespan task.

    Args:
        nap: How to nap (``asyncio.sleep``).
        clock: The time, in seconds (the running loop's by default).
    """
    logs.bind_task("loop-pressure")
    now = clock or asyncio.get_running_loop().time
    while True:
        started = now()
        await nap(NAP)
        record(now() - started - NAP)
