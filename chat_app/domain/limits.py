"""Sliding-window limits: how long someone must wait after too many attempts.

One rule for the limits of the chat: failed logins, registrations (per
address) and sent messages (per user); and the login rule that combines them.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

# 2 ** 32 seconds is more than any maximum delay: no need for larger powers.
MAX_DOUBLINGS = 32


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


def growing_delay(
    failures: Iterable[float],
    *,
    now: float,
    free: int,
    first_delay: float,
    max_delay: float,
    window: float,
) -> int:
    """How long before another attempt, when each failure beyond a few doubles it.

    The first ``free - 1`` failures in the window cost nothing; from the
    ``free``-th on, the next attempt waits ``first_delay`` after the latest
    failure, twice as long after each further one, at most ``max_delay``.

    Args:
        failures: When earlier attempts failed, seconds since the epoch.
        now: The current time.
        free: Failures in the window from which attempts wait.
        first_delay: The first wait, in seconds.
        max_delay: The longest wait.
        window: How long a failure counts, in seconds.

    Returns:
        0 if an attempt is allowed now; otherwise the whole seconds to wait.
    """
    recent = sorted(at for at in failures if now - window < at)
    if len(recent) < free:
        return 0
    doublings = min(len(recent) - free, MAX_DOUBLINGS)
    delay = min(max_delay, first_delay * 2**doublings)
    return max(0, math.ceil(recent[-1] + delay - now))


@dataclass(frozen=True)
class LoginLimits:
    """How failed logins are limited.

    Attributes:
        per_account_and_address: Failures allowed for one account from one
            address in the window; then that pair waits until one expires.
        per_address: Failures allowed from one address in the window, whatever
            the accounts (much higher: many people may share it).
        account_free: Failures of one account, from every address, before the
            addresses that have themselves failed on it wait growing delays.
        account_first_delay: The first of those delays, in seconds...
        account_max_delay: ...doubling up to this.
        window: How long a failure counts, in seconds.
    """

    per_account_and_address: int
    per_address: int
    account_free: int
    account_first_delay: float
    account_max_delay: float
    window: float


def login_wait(
    *,
    pair: Iterable[float],
    account: Iterable[float],
    address: Iterable[float],
    now: float,
    limits: LoginLimits,
) -> int:
    """How long a login attempt must wait, from the failures it would add to.

    The account's growing delay holds back only addresses that have failed on
    the account themselves: someone guessing from elsewhere never keeps the
    owner, typing the right password from an address of their own, out.

    Args:
        pair: Failures of this account from this address.
        account: Failures of this account from every address.
        address: Failures from this address, whatever the account.
        now: The current time.
        limits: The limits.

    Returns:
        0 if the attempt may be checked now; otherwise the whole seconds to wait.
    """
    pair = [at for at in pair if now - limits.window < at]
    waits = [
        seconds_to_wait(
            pair, now=now, limit=limits.per_account_and_address, window=limits.window
        ),
        seconds_to_wait(
            address, now=now, limit=limits.per_address, window=limits.window
        ),
    ]
    if pair:
        waits.append(
            growing_delay(
                account,
                now=now,
                free=limits.account_free,
                first_delay=limits.account_first_delay,
                max_delay=limits.account_max_delay,
                window=limits.window,
            )
        )
    return max(waits)
