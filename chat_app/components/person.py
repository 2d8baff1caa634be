"""How a person looks everywhere: their picture, or their initials on a colour.

The colour comes from the username alone (worked out in the browser), so a
person has the same one in every room, tab and list. The picture is
``/api/avatars/<username>`` at its current version, which the room's view
carries (``RoomViewState.avatars``): a new picture is a new address, so every
page shows it at once.
"""

import reflex as rx

from chat_app.realtime.views import RoomViewState

# Radix colours whose step 11 reads as text on the chat's backgrounds, in light
# and dark (checked by the accessibility tests).
PALETTE = [
    "tomato",
    "crimson",
    "plum",
    "violet",
    "indigo",
    "blue",
    "cyan",
    "teal",
    "jade",
    "grass",
    "brown",
    "orange",
    "ruby",
    "iris",
]
COLOR_OF = rx.vars.FunctionStringVar.create(
    "((name) => { let hash = 0; for (const c of String(name || ''))"
    " hash = (Math.imul(hash, 31) + c.codePointAt(0)) >>> 0;"
    f" return {PALETTE!r}[hash % {len(PALETTE)}]; }})"
)
# No version, no picture: nothing is asked of the server, the initials show.
AVATAR_SRC = rx.vars.FunctionStringVar.create(
    "((name, version) => version ? '/api/avatars/' + encodeURIComponent(name)"
    " + '?v=' + encodeURIComponent(version) : '')"
)


def person_color(username: rx.Var) -> rx.Var[str]:
    """The Radix colour (a name such as ``teal``) of a person.

    Args:
        username: Their username.

    Returns:
        The colour's name.
    """
    return COLOR_OF.call(username).to(str)


def name_color(username: rx.Var) -> rx.Var[str]:
    """The CSS colour a person's name is written in.

    Args:
        username: Their username.

    Returns:
        A ``var(--<colour>-11)`` value.
    """
    return rx.Var.create("var(--").to(str) + person_color(username).to(str) + "-11)"


def avatar_src(username: rx.Var, version: rx.Var) -> rx.Var[str]:
    """The address of a person's picture, or "" when they have none.

    Args:
        username: Their username.
        version: Their picture's version ("" or missing for none).

    Returns:
        ``/api/avatars/<username>?v=<version>``, or "".
    """
    return AVATAR_SRC.call(username, version).to(str)


def person_avatar(
    username: rx.Var, size: str = "2", version: rx.Var | None = None
) -> rx.Component:
    """A person's picture, or their initials on their colour while it has none.

    Args:
        username: Their username.
        size: The Radix avatar size.
        version: Their picture's version; by default the one their room's view
            carries (``RoomViewState.avatars``).

    Returns:
        The avatar (decorative: the name is always beside it).
    """
    if version is None:
        version = RoomViewState.avatars[username.to(str)]
    return rx.avatar(
        src=avatar_src(username, version),
        fallback=username.to(str)[:2],
        size=size,  # pyright: ignore[reportArgumentType]
        radius="full",
        variant="soft",
        high_contrast=True,
        color_scheme=person_color(username),  # pyright: ignore[reportArgumentType]
        aria_hidden="true",
    )
