"""A person's profile: what others see of it, and what they change of their own."""

from sqlmodel import Session

from chat_app import i18n
from chat_app.accounts import find_by_username
from chat_app.db import reads
from chat_app.sessions import verify_session
from chat_app.settings import Settings


def set_language(
    session: Session, token: object, language: str, *, settings: Settings, now: float
) -> str:
    """Keep the language a signed-in person chose on their account.

    Args:
        session: The database session.
        token: The browser's session token.
        language: One of ``i18n.LANGUAGES`` (anything else keeps the default).
        settings: The secret.
        now: The current time.

    Returns:
        The account's username.

    Raises:
        AuthError: If the token is not a valid session.
    """
    user, _ = verify_session(session, token, settings=settings, now=now)
    user.language = i18n.supported(language)
    session.add(user)
    return user.username


@reads
def profile_of(session: Session, username: str) -> dict[str, object] | None:
    """The public profile of a username.

    Args:
        session: The database session.
        username: The username (any case).

    Returns:
        The profile, or None if no such account.
    """
    user = find_by_username(session, username)
    return user.public() if user else None
