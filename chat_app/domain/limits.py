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


def account_delay(
    failures: int, *, free: int, first_delay: float, max_delay: float
) -> float:
    """The gap between an account's attempts, once it has failed a few times.

    The first ``free - 1`` failures cost nothing; from the ``free``-th on, the
    gap is ``first_delay``, twice as long after each further one, at most
    ``max_delay``.

    Args:
        failures: The account's failures in the window (and attempts already
            given a turn, which may fail too).
        free: Failures from which attempts are spaced.
        first_delay: The first gap, in seconds.
        max_delay: The longest gap.

    Returns:
        0 when attempts need no spacing; otherwise the gap in seconds.
    """
    if failures < free:
        return 0
    return min(max_delay, first_delay * 2 ** min(failures - free, MAX_DOUBLINGS))


def _whole_seconds(seconds: float) -> int:
    return max(1, math.ceil(seconds)) if seconds > 0 else 0


@dataclass(frozen=True)
class LoginLimits:
    """How failed logins are limited.

    Attributes:
        per_account_and_address: Failures allowed for one account from one
            address in the window; then that pair waits until one expires.
        per_address: Failures allowed from one address in the window, whatever
            the accounts (much higher: many people may share it).
        account_free: Failures of one account, from every address, from which
            the account's attempts from addresses it is not known at take
            turns, spaced by growing delays.
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


@dataclass(frozen=True)
class LoginWait:
    """How long a login attempt must wait.

    Attributes:
        seconds: 0 if the attempt may be checked now; otherwise the whole
            seconds to wait.
        turn: When the address's turn on the account comes, if it was just
            given one (the caller records it); otherwise None.
    """

    seconds: int
    turn: float | None = None


def login_wait(
    *,
    pair: Iterable[float],
    account: Iterable[float],
    address: Iterable[float],
    known: bool,
    turn: float | None,
    turns: Iterable[float],
    now: float,
    limits: LoginLimits,
) -> LoginWait:
    """How long a login attempt must wait, from the failures it would add to.

    Every address has its own limits: for the account (the pair) and for every
    account. Beyond them, once an account has failed ``account_free`` times
    from anywhere, its attempts from addresses where it has not logged in
    lately take turns, one per growing delay, however many addresses guess: a
    botnet or a whole IPv6 network gets no more guesses than one address. An
    address given a turn keeps it: once it has waited, its attempt is checked,
    whatever others failed meanwhile. An address where the account logged in
    lately (its owner's) takes no turn: guesses from elsewhere never keep the
    owner out.

    Args:
        pair: Failures of this account from this address.
        account: Failures of this account from every address.
        address: Failures from this address, whatever the account.
        known: Whether the account logged in from this address lately.
        turn: The turn on the account this address was given, if any.
        turns: The turns on the account given to addresses and not yet taken.
        now: The current time.
        limits: The limits.

    Returns:
        The wait, and the turn given if one was.
    """
    window = limits.window
    own = max(
        seconds_to_wait(
            pair, now=now, limit=limits.per_account_and_address, window=window
        ),
        seconds_to_wait(address, now=now, limit=limits.per_address, window=window),
    )
    recent = [at for at in account if now - window < at <= now]
    pending = [at for at in turns if now - window < at]
    delay = account_delay(
        len(recent) + len(pending),
        free=limits.account_free,
        first_delay=limits.account_first_delay,
        max_delay=limits.account_max_delay,
    )
    if known or not delay:
        return LoginWait(own)
    if turn is not None:
        return LoginWait(max(own, _whole_seconds(turn - now)))
    # After the latest attempt, failed or given a turn, and once this address
    # itself may try: a turn it cannot take would be lost for everyone.
    earliest = max([*recent, *pending]) + delay
    next_turn = max(earliest, now + own)
    if next_turn <= now:
        return LoginWait(0)
    return LoginWait(_whole_seconds(next_turn - now), turn=next_turn)
