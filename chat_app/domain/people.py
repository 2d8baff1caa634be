"""Finding people to mention: what may be looked for, and how names compare.

Typing ``@`` and the start of a username or a name lists people: the query is
what follows the ``@``, made only of the characters a username may hold (so
anything else is no query at all, never an error), and compared without regard
to case or accents: "ang" finds Ângela.
"""

import unicodedata
from dataclasses import dataclass

from chat_app.domain.validation import USERNAME_MAX_LENGTH, USERNAME_PATTERN

# How many people the list offers at once.
PEOPLE_LISTED = 8
# How much of a name its search key keeps: only a name's start is looked for,
# and a query is never longer than a username.
NAME_KEY_LENGTH = 64


@dataclass(frozen=True)
class Person:
    """Someone a message may mention, as the list shows them.

    Attributes:
        username: Their username (what the mention writes).
        name: Their display name.
        avatar: Their picture's version ("" for none), for its address.
        name_key: Their name's search key (``search_key``): the browser narrows
            a list down with it while a newer one is on its way.
        member: Whether they are in the asker's room.
    """

    username: str
    name: str
    avatar: str
    name_key: str
    member: bool


def search_key(text: str) -> str:
    """A name as it is looked for: without accents or case, its start only.

    Args:
        text: A display name.

    Returns:
        The key: "Ângela Souza" is "angela souza".
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.casefold()[:NAME_KEY_LENGTH]


def mention_query(raw: object) -> str | None:
    """What someone typed after an ``@``, as it is looked for.

    Args:
        raw: What the client sent: "" (a bare ``@``: everyone) or the start of
            a username or a name.

    Returns:
        The query, case-folded; None when it cannot be the start of a
        username (not a string, too long, or other characters), which finds
        no one.
    """
    if not isinstance(raw, str) or len(raw) > USERNAME_MAX_LENGTH:
        return None
    if raw and not USERNAME_PATTERN.fullmatch(raw):
        return None
    return raw.casefold()


def like_prefix(text: str) -> str:
    r"""A LIKE pattern for what starts with a text, its wildcards made literal.

    ``_`` may be in a username: unescaped, "a_" would find "ab" too. The
    escape character is ``\``.

    Args:
        text: The start looked for.

    Returns:
        The pattern.
    """
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"
