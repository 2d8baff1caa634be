"""Validation of what people type: names, usernames, emails, passwords, messages."""

import re
import unicodedata

from email_validator import EmailNotValidError
from email_validator import validate_email as check_email

from chat_app.domain.errors import ChatError

# Unicode categories that draw nothing: controls, formatting (zero-width, direction
# marks), separators and spaces, and combining marks with nothing to combine with.
INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"})
USERNAME_MAX_LENGTH = 32
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9._-]+")
NAME_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254
PASSWORD_MIN_BYTES = 8
PASSWORD_MAX_BYTES = 72  # bcrypt reads no further
# Unicode's confusables (confusables.txt) within the characters a username may
# hold: 1 and I read as l, 0 as O, and m as rn. Everything else in
# [A-Za-z0-9._-] is told apart.
USERNAME_LOOKALIKES = str.maketrans({"1": "l", "I": "l", "0": "O"})
USERNAME_SKELETON_MAX_LENGTH = 2 * USERNAME_MAX_LENGTH  # every "m" becomes "rn"
# Bidirectional formatting characters reorder how the text around them is drawn
# ("Eve\u202egnp.exe" shows as "Eveexe.png"): a name never needs them.
BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


def validate_username(raw: object) -> str:
    """Check a username someone wants to register.

    Args:
        raw: What the client sent; anything that is not a string is refused.

    Returns:
        The username with surrounding spaces removed.

    Raises:
        ChatError: If it is empty, too long, or has other characters.
    """
    if not isinstance(raw, str):
        raise ChatError("Choose a username.")
    username = raw.strip()
    if not username:
        raise ChatError("Choose a username.")
    if len(username) > USERNAME_MAX_LENGTH:
        raise ChatError(
            "A username has at most {limit} characters.", limit=USERNAME_MAX_LENGTH
        )
    if not USERNAME_PATTERN.fullmatch(username):
        raise ChatError(
            "A username may only contain letters, digits, '.', '_' and '-'."
        )
    return username


def username_skeleton(username: str) -> str:
    """What a username looks like, for telling lookalikes apart.

    Two usernames with the same skeleton read the same on screen (``al`` and
    ``aI``, ``bob`` and ``B0B``, ``rn`` and ``m``), so only one may register.
    Case is folded after the lookalikes, since ``I`` reads as ``l`` but ``i``
    does not.

    Args:
        username: A valid username (ASCII letters, digits, ``.``, ``_``, ``-``).

    Returns:
        Its skeleton, at most twice as long.
    """
    return username.translate(USERNAME_LOOKALIKES).casefold().replace("m", "rn")


def validate_draft(raw: object, max_length: int) -> str:
    """Check what the composer holds, kept so that a refused send loses nothing.

    A draft may run past the message limit (the composer says by how much), but
    not absurdly.

    Args:
        raw: What the client sent.
        max_length: The most characters a message may have.

    Returns:
        The draft, unchanged.

    Raises:
        ChatError: If it is not text, or over twice the limit.
    """
    if not isinstance(raw, str):
        raise ChatError("A message must be text.")
    if len(raw) > 2 * max_length:
        raise ChatError("A message has at most {limit} characters.", limit=max_length)
    return raw


def validate_message(raw: object, max_length: int, *, allow_empty: bool = False) -> str:
    """Check the text of a message about to be sent.

    Args:
        raw: What the client sent; anything that is not a string is refused.
        max_length: The most characters a message may have.
        allow_empty: Whether no text is fine (a message of attachments only).

    Returns:
        The text without control characters (but line breaks and tabs) and
        without leading and trailing white space; "" when nothing in it shows.

    Raises:
        ChatError: If nothing in the text shows (unless allowed), or it is too
            long.
    """
    if raw is None and allow_empty:
        return ""
    if not isinstance(raw, str):
        raise ChatError("A message must be text.")
    text = "".join(c for c in raw if c in "\n\t" or unicodedata.category(c) != "Cc")
    text = text.strip()
    if not any(unicodedata.category(c) not in INVISIBLE for c in text):
        # Blank, or only invisible characters (zero-width spaces, direction marks).
        if not allow_empty:
            raise ChatError("An empty message is not sent.")
        return ""
    if len(text) > max_length:
        raise ChatError(
            "A message has at most {limit} characters; this one has {length}.",
            limit=max_length,
            length=len(text),
        )
    return text


def validate_name(raw: object) -> str:
    """Check a person's display name.

    Args:
        raw: What the client sent.

    Returns:
        The name without bidirectional controls, trimmed, with runs of white
        space collapsed.

    Raises:
        ChatError: If it is empty, too long or holds other control characters.
    """
    if not isinstance(raw, str) or not raw.translate(BIDI_CONTROLS).strip():
        raise ChatError("Enter your name.")
    name = " ".join(raw.translate(BIDI_CONTROLS).split())
    if len(name) > NAME_MAX_LENGTH:
        raise ChatError("A name has at most {limit} characters.", limit=NAME_MAX_LENGTH)
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise ChatError("A name cannot contain control characters.")
    return name


def validate_email(raw: object) -> str:
    """Check an email address's syntax (no DNS look-up).

    Args:
        raw: What the client sent.

    Returns:
        The normalised address, lower-cased: the one form in which addresses
        are stored and looked up (``lower()``, not ``casefold()``, which would
        turn ``straße`` into another address, ``strasse``).

    Raises:
        ChatError: If it is not a valid address.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise ChatError("Enter your email address.")
    if len(raw.strip()) > EMAIL_MAX_LENGTH:
        raise ChatError(
            "An email address has at most {limit} characters.", limit=EMAIL_MAX_LENGTH
        )
    try:
        result = check_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ChatError("That email address is not valid.") from error
    return result.normalized.lower()


def validate_password(raw: object) -> str:
    """Check a new password's length in UTF-8 bytes, as bcrypt counts it.

    Args:
        raw: What the client sent.

    Returns:
        The password, unchanged.

    Raises:
        ChatError: If it is shorter than 8 or longer than 72 bytes, or holds the
            NUL character (which bcrypt cannot hash).
    """
    if not isinstance(raw, str):
        raise ChatError("Enter a password.")
    if "\x00" in raw:
        raise ChatError("A password cannot contain the NUL character.")
    try:
        size = len(raw.encode())
    except UnicodeEncodeError as error:  # lone surrogates, which JSON allows
        raise ChatError(
            "A password must be text: it holds a broken character."
        ) from error
    if size < PASSWORD_MIN_BYTES:
        raise ChatError(
            "A password needs at least {limit} characters.", limit=PASSWORD_MIN_BYTES
        )
    if size > PASSWORD_MAX_BYTES:
        raise ChatError(
            "A password has at most {limit} bytes; this one has {size}.",
            limit=PASSWORD_MAX_BYTES,
            size=size,
        )
    return raw
