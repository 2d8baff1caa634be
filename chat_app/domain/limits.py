"""Sliding-window limits: how long someone must wait after too many attempts.

One rule for both limits of the chat: failed logins (per account and per
address) and sent messages (per user).
"""

import math
from collections.abc import Iterable


def seconds_to_wait(
    failures: Iterable[float], *, now: float, limit: int, window: float
) -> int:
    """How long before another attempt is allowed.

    Args:
        failures: When earlier attempts counted (failed logins, sent messages),
            seconds since the epoch.
        now: The current time.
        limit: Attempts allowed within the window.
        window: The window's length in seconds.

    Returns:
        0 if an attempt is allowed now; otherwise the whole seconds until the
        oldest failure in the window leaves it.
    """
    recent = sorted(at for at in failures if now - window < at <= now)
    if len(recent) < limit:
        return 0
    # The attempt is allowed once only limit - 1 failures remain in the window.
    oldest_that_must_expire = recent[len(recent) - limit]
    return max(1, math.ceil(oldest_that_must_expire + window - now))
