"""How a person looks everywhere: a colour of their own, their initials.

The colour comes from the username alone (worked out in the browser), so a
person has the same one in every room, tab and list.
"""

import reflex as rx

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


def person_avatar(username: rx.Var, size: str = "2") -> rx.Component:
    """A person's initials on their colour.

    Args:
        username: Their username.
        size: The Radix avatar size.

    Returns:
        The avatar (decorative: the name is always beside it).
    """
    return rx.avatar(
        fallback=username.to(str)[:2],
        size=size,  # pyright: ignore[reportArgumentType]
        radius="full",
        variant="soft",
        high_contrast=True,
        color_scheme=person_color(username),  # pyright: ignore[reportArgumentType]
        aria_hidden="true",
    )
