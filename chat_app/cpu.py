"""Threads for CPU-bound work (bcrypt), apart from the chat's database work.

A storm of logins waits here, on all cores but one and at a lower priority, not
in front of every chat message's database work.
"""

import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

CPU_BOUND = "_chat_cpu_bound"


def cpu_bound(work: Callable[P, T]) -> Callable[P, T]:
    """Mark work that is mostly CPU (bcrypt) for ``db.run``.

    Args:
        work: The function.

    Returns:
        The same function, marked.
    """
    setattr(work, CPU_BOUND, True)
    return work


def cpu_slots() -> int:
    """How much CPU-bound work (bcrypt) may run at once: all cores but one.

    The core left over is the event loop's, which delivers every room's
    messages; a storm of logins only waits longer.

    Returns:
        At least 1.
    """
    return max(1, (len(os.sched_getaffinity(0)) or 1) - 1)


def _yield_to_the_chat() -> None:
    """Run this worker thread at a lower priority than the event loop's."""
    with contextlib.suppress(OSError, AttributeError):  # Linux only; best effort
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


@lru_cache(maxsize=1)
def cpu_threads() -> ThreadPoolExecutor:
    """Threads for CPU-bound work, fewer than the cores, at a lower priority.

    A storm of logins queues here, not in the default executor in front of every
    chat message's database work (which would wait for the whole storm).
    """
    return ThreadPoolExecutor(
        max_workers=cpu_slots(),
        thread_name_prefix="cpu-bound",
        initializer=_yield_to_the_chat,
    )
