"""Validation of what people type: usernames and message texts."""

import re
import unicodedata

from email_validator import EmailNotValidError
from email_validator import validate_email as check_email

from chat_app.domain.errors import ChatError

USERNAME_MAX_LENGTH = 32
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9._-]+")
NAME_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254
PASSWORD_MIN_BYTES = 8
PASSWORD_MAX_BYTES = 72  # bcrypt reads no further


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
        raise ChatError(f"A username has at most {USERNAME_MAX_LENGTH} characters.")
    if not USERNAME_PATTERN.fullmatch(username):
        raise ChatError(
            "A username may only contain letters, digits, '.', '_' and '-'."
        )
    return username


def validate_message(raw: object, max_length: int, *, allow_empty: bool = False) -> str:
    """Check the text of a message about to be sent.

    Args:
        raw: What the client sent; anything that is not a string is refused.
        max_length: The most characters a message may have.
        allow_empty: Whether no text is fine (a message of attachments only).

    Returns:
        The text without leading and trailing white space.

    Raises:
        ChatError: If the text is blank (unless allowed) or too long.
    """
    if raw is None and allow_empty:
        return ""
    if not isinstance(raw, str):
        raise ChatError("A message must be text.")
    text = raw.strip()
    if not text and not allow_empty:
        raise ChatError("An empty message is not sent.")
    if len(text) > max_length:
        raise ChatError(
            f"A message has at most {max_length} characters; this one has {len(text)}."
        )
    return text


def validate_name(raw: object) -> str:
    """Check a person's display name.

    Args:
        raw: What the client sent.

    Returns:
        The name, trimmed, with runs of white space collapsed.

    Raises:
        ChatError: If it is empty, too long or holds control characters.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise ChatError("Enter your name.")
    name = " ".join(raw.split())
    if len(name) > NAME_MAX_LENGTH:
        raise ChatError(f"A name has at most {NAME_MAX_LENGTH} characters.")
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise ChatError("A name cannot contain control characters.")
    return name


def validate_email(raw: object) -> str:
    """Check an email address's syntax (no DNS look-up).

    Args:
        raw: What the client sent.

    Returns:
        The normalised address, lower-cased, as stored and compared.

    Raises:
        ChatError: If it is not a valid address.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise ChatError("Enter your email address.")
    if len(raw.strip()) > EMAIL_MAX_LENGTH:
        raise ChatError(f"An email address has at most {EMAIL_MAX_LENGTH} characters.")
    try:
        result = check_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ChatError(f"That email address is not valid: {error}") from error
    return result.normalized.lower()


def validate_password(raw: object) -> str:
    """Check a new password's length in UTF-8 bytes, as bcrypt counts it.

    Args:
        raw: What the client sent.

    Returns:
        The password, unchanged.

    Raises:
        ChatError: If it is shorter than 8 or longer than 72 bytes.
    """
    if not isinstance(raw, str):
        raise ChatError("Enter a password.")
    size = len(raw.encode())
    if size < PASSWORD_MIN_BYTES:
        raise ChatError(f"A password needs at least {PASSWORD_MIN_BYTES} characters.")
    if size > PASSWORD_MAX_BYTES:
        raise ChatError(
            f"A password has at most {PASSWORD_MAX_BYTES} bytes; this one has {size}."
        )
    return raw
