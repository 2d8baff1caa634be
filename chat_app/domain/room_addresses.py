"""Rooms' addresses: ``/rooms/<slug>`` and a message's ``/rooms/<slug>/<number>``.

An address names a room (and a message in it) for the browser's history,
bookmarks and links; it is never trusted for access: whoever opens one enters
the room the way the rooms menu does, and the message is looked for in it.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

ROOMS_PREFIX = "/rooms"

# A slug as ``domain.rooms.slugify`` makes them, then optionally a number.
_ADDRESS = re.compile(r"^/rooms/([^/?#\s]+)(?:/([0-9]{1,9}))?/?$")


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
    slug, number = found.group(1), int(found.group(2) or 0)
    return Address(slug=slug, number=number if number > 0 else None)


def home_room(rooms: list[str], *places: str | None) -> str:
    """Where a tab belongs: the first of its places that is still a room.

    Args:
        rooms: The rooms' slugs; the first is the default room.
        *places: Candidates in order of preference (the tab's room, the room
            the user's other tabs are in, the address's room); None for none.

    Returns:
        A room's slug (a room dropped from the settings is no place to go).
    """
    return next((place for place in places if place in rooms), rooms[0])


def login_path(path: object) -> str:
    """The login page, keeping the room or message address a visitor opened.

    Args:
        path: The address that needed a session.

    Returns:
        ``/login?next=<address>`` for a room's or message's address, else
        ``/login``.
    """
    address = read_address(path)
    if address.slug is None:
        return "/login"
    return "/login?" + urlencode({"next": room_path(address.slug, address.number)})


def after_login(query: object) -> str:
    """Where logging in leads: the address kept by ``login_path``, or ``/``.

    Only a room's or a message's address is followed, rebuilt from what it
    names, so a crafted ``next`` can never lead off the chat.

    Args:
        query: The login page's query string, e.g. ``next=%2Frooms%2Fsala-2%2F41``.

    Returns:
        The chat's address to go to.
    """
    wanted = parse_qs(query).get("next", [""])[0] if isinstance(query, str) else ""
    address = read_address(wanted)
    if address.slug is None:
        return "/"
    return room_path(address.slug, address.number)
