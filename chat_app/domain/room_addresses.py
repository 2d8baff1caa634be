"""Rooms' addresses: ``/rooms/<slug>`` and a message's ``/rooms/<slug>/<number>``.

An address names a room (and a message in it) for the browser's history,
bookmarks and links; it is never trusted for access: whoever opens one enters
the room the way the rooms menu does, and the message is looked for in it.
"""

import re
from dataclasses import dataclass

ROOMS_PREFIX = "/rooms"

# A slug as ``domain.rooms.slugify`` makes them, then optionally a number.
_ADDRESS = re.compile(r"^/rooms/([^/]+)(?:/([0-9]{1,9}))?/?$")


@dataclass(frozen=True)
class Address:
    """What an address names.

    Attributes:
        slug: The room's slug; None for an address naming no room (``/``).
        number: A message's number in that room; None for the room itself.
    """

    slug: str | None = None
    number: int | None = None


def room_path(slug: str, number: int | None = None) -> str:
    """The address of a room, or of a message in it.

    Args:
        slug: The room's slug.
        number: The message's number in the room, if any.

    Returns:
        ``/rooms/<slug>`` or ``/rooms/<slug>/<number>``.
    """
    path = f"{ROOMS_PREFIX}/{slug}"
    return path if number is None else f"{path}/{number}"


def read_address(path: object) -> Address:
    """What a page's path names (anything unreadable names no room).

    Args:
        path: The path the browser shows, e.g. ``/rooms/sala-2/41``.

    Returns:
        The address; a number of 0 names the room itself.
    """
    found = _ADDRESS.match(path) if isinstance(path, str) else None
    if found is None:
        return Address()
    slug, number = found.group(1), found.group(2)
    return Address(slug=slug, number=int(number) or None if number else None)
