"""The list of rooms and how a room is named on the wire."""

import re
import unicodedata
from dataclasses import dataclass

from chat_app.domain.errors import ChatError


@dataclass(frozen=True)
class Room:
    """A chat room.

    Attributes:
        name: The name people see, e.g. "Sala 1".
        slug: The URL- and id-safe name, e.g. "sala-1".
    """

    name: str
    slug: str


def slugify(name: str) -> str:
    """Turn a room name into a slug of lower-case ASCII letters, digits and hyphens.

    Args:
        name: The room's display name.

    Returns:
        The slug, e.g. "Sala 1" -> "sala-1", "Café" -> "cafe".

    Raises:
        ChatError: If nothing usable is left of the name.
    """
    ascii_name = (
        unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:
        raise ChatError(
            "The room name {name} has no letters or digits.", name=repr(name)
        )
    return slug


def build_rooms(names: list[str]) -> tuple[Room, ...]:
    """Build the room list from the configured names, the first being the default room.

    Args:
        names: The configured room names, in menu order.

    Returns:
        The rooms.

    Raises:
        ChatError: If the list is empty or two names give the same slug.
    """
    cleaned = [name.strip() for name in names if name.strip()]
    if not cleaned:
        raise ChatError("At least one room must be configured.")
    rooms = tuple(Room(name=name, slug=slugify(name)) for name in cleaned)
    slugs = [room.slug for room in rooms]
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    if duplicates:
        raise ChatError(
            "Two rooms share the slug(s): {slugs}.", slugs=", ".join(duplicates)
        )
    return rooms


def find_room(rooms: tuple[Room, ...], slug: str) -> Room:
    """Look a room up by slug.

    Args:
        rooms: The configured rooms.
        slug: The slug the client asked for.

    Returns:
        The room.

    Raises:
        ChatError: If no room has that slug.
    """
    for room in rooms:
        if room.slug == slug:
            return room
    raise ChatError("That room does not exist.")
