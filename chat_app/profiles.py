"""A person's profile: what others see of it, and what they change of their own."""

from dataclasses import dataclass

from sqlmodel import Session

from chat_app import i18n
from chat_app.accounts import find_by_username
from chat_app.db import reads, take_turn
from chat_app.domain.errors import ChatError
from chat_app.domain.people import search_key
from chat_app.models import User
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


@dataclass(frozen=True)
class OwnProfile:
    """What a person sees of their own profile.

    Attributes:
        name: Their display name.
        avatar: The stored name of their picture, or None.
    """

    name: str
    avatar: str | None


@reads
def own_profile(session: Session, user_id: int) -> OwnProfile | None:
    """A signed-in person's own name and picture.

    Args:
        session: The database session.
        user_id: The verified account's id.

    Returns:
        The profile, or None if the account is gone.
    """
    user = session.get(User, user_id)
    return OwnProfile(name=user.name, avatar=user.avatar) if user else None


def rename(session: Session, user_id: int, name: str) -> bool:
    """Change a person's display name.

    Args:
        session: The database session.
        user_id: The verified account's id.
        name: The new name, already validated (``validate_name``).

    Returns:
        Whether it differs from the name before.

    Raises:
        ChatError: If the account is gone.
    """
    user = session.get(User, user_id)
    if user is None:
        raise ChatError("This account no longer exists.")
    changed, user.name = user.name != name, name
    user.name_key = search_key(name)
    session.add(user)
    return changed


def set_avatar(session: Session, user_id: int, stored: str) -> str | None:
    """Make a stored picture a person's avatar.

    Parallel uploads of one person take turns, so each learns the picture it
    replaced and no file is left that no account points at.

    Args:
        session: The database session.
        user_id: The verified account's id.
        stored: The new picture's stored name.

    Returns:
        The stored name of the picture it replaced (to delete after the
        commit), or None.

    Raises:
        ChatError: If the account is gone.
    """
    take_turn(session, f"avatar:{user_id}")
    user = session.get(User, user_id)
    if user is None:
        raise ChatError("This account no longer exists.")
    replaced, user.avatar = user.avatar, stored
    session.add(user)
    return replaced


@reads
def avatar_of(session: Session, username: str) -> str | None:
    """The stored name of a person's picture.

    Args:
        session: The database session.
        username: Their username (any case).

    Returns:
        The stored name, or None without an account or a picture.
    """
    user = find_by_username(session, username)
    return user.avatar if user else None
