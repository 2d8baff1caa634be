"""Moderation's rules, without storage: who moderates, whom, for how long, why.

Administrators are named by the settings (``CHAT_ADMINS``); they remove any
message, mute people for a while and ban them. Nobody moderates themselves or
another administrator.
"""

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass

from chat_app.domain.errors import ChatError, NotAllowedError
from chat_app.domain.text import Text

# What an administrator may record of why they acted.
MAX_REASON_LENGTH = 300
# The durations a mute may last, by the choice the admin screen offers.
MUTE_CHOICES: dict[str, int] = {"10m": 10 * 60, "1h": 3600, "1d": 24 * 3600}
DEFAULT_MUTE = "10m"
# What the moderation log records.
ACTIONS = ("delete", "ban", "unban", "mute", "unmute", "remove")
# The most people and log entries the admin screen lists at once.
PEOPLE_SHOWN = 50
LOG_SHOWN = 100


class NotAdminError(NotAllowedError):
    """The caller is not an administrator."""

    def __init__(self) -> None:
        """Say who may."""
        super().__init__(Text("Only administrators may do that."))


class MutedError(ChatError):
    """The caller is muted: nothing they write is stored."""

    def __init__(self, *, until_ms: int, now_ms: int) -> None:
        minutes = max(1, math.ceil((until_ms - now_ms) / 60_000))
        super().__init__(
            "You are muted until {time} UTC ({minutes} min from now).",
            time=time.strftime("%H:%M", time.gmtime(until_ms / 1000)),
            minutes=minutes,
        )


@dataclass(frozen=True)
class PersonStatus:
    """A person as the admin screen lists them.

    Attributes:
        username: Their username.
        name: Their display name.
        admin: Whether they are an administrator (not banned or muted by anyone).
        banned: Whether they are banned.
        muted_until_ms: When their mute ends (0 when not muted).
    """

    username: str
    name: str
    admin: bool = False
    banned: bool = False
    muted_until_ms: int = 0


@dataclass(frozen=True)
class Entry:
    """One moderation action, as the log lists it.

    Attributes:
        at_ms: When it was done.
        admin: The administrator who did it.
        action: One of :data:`ACTIONS`.
        target: The person acted on (a removed message's author).
        room: The room of a removed message ("" otherwise).
        seq: The number of a removed message (0 otherwise).
        reason: What the administrator wrote of why ("" for nothing).
        until_ms: When a mute ends (0 otherwise).
    """

    at_ms: int
    admin: str
    action: str
    target: str
    room: str = ""
    seq: int = 0
    reason: str = ""
    until_ms: int = 0


def admin_keys(names: Iterable[str]) -> frozenset[str]:
    """The administrators' usernames as accounts keep them (case-folded).

    Args:
        names: The configured usernames.

    Returns:
        Their keys.
    """
    return frozenset(name.strip().casefold() for name in names if name.strip())


def is_admin(username: str, admins: Iterable[str]) -> bool:
    """Whether a username is one of the administrators, ignoring case.

    Args:
        username: A verified username.
        admins: The configured administrators.

    Returns:
        True for an administrator.
    """
    return bool(username) and username.casefold() in admin_keys(admins)


def check_admin(username: str, admins: Iterable[str]) -> None:
    """Refuse anyone but an administrator.

    Args:
        username: The verified caller.
        admins: The configured administrators.

    Raises:
        NotAdminError: If the caller is not one.
    """
    if not is_admin(username, admins):
        raise NotAdminError()


def check_target(*, admin: str, target: str, admins: Iterable[str]) -> None:
    """Refuse to ban or mute oneself or another administrator.

    Args:
        admin: The administrator acting.
        target: The person to act on.
        admins: The configured administrators.

    Raises:
        ChatError: If the target is the administrator or another one.
    """
    if admin.casefold() == target.casefold():
        raise ChatError("You cannot ban or mute yourself.")
    if is_admin(target, admins):
        raise ChatError("You cannot ban or mute another administrator.")


def mute_seconds(choice: object) -> int:
    """How long a mute lasts, for one of the admin screen's choices.

    Args:
        choice: What the client sent (a key of :data:`MUTE_CHOICES`).

    Returns:
        The seconds.

    Raises:
        ChatError: If it is not one of the choices.
    """
    if not isinstance(choice, str) or choice not in MUTE_CHOICES:
        raise ChatError("Choose how long the mute lasts.")
    return MUTE_CHOICES[choice]


def valid_reason(raw: object) -> str:
    """Check the reason an administrator typed (optional).

    Args:
        raw: What the client sent.

    Returns:
        The reason, trimmed ("" for none).

    Raises:
        ChatError: If it is not text or longer than :data:`MAX_REASON_LENGTH`.
    """
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ChatError("That request was not understood.")
    reason = raw.strip()
    if len(reason) > MAX_REASON_LENGTH:
        raise ChatError(
            "A reason has at most {limit} characters.", limit=MAX_REASON_LENGTH
        )
    return reason


def check_not_muted(muted_until_ms: int | None, *, now_ms: int) -> None:
    """Refuse what a muted person writes (messages, edits, reactions).

    Args:
        muted_until_ms: When the person's mute ends (None when never muted).
        now_ms: The time now.

    Raises:
        MutedError: While the mute lasts.
    """
    if muted_until_ms is not None and muted_until_ms > now_ms:
        raise MutedError(until_ms=muted_until_ms, now_ms=now_ms)
