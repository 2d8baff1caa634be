"""A person's notification and sound settings, kept on their account."""

from sqlmodel import Session

from chat_app.db import reads
from chat_app.domain.attention import AttentionSettings, stored_choice
from chat_app.domain.errors import ChatError
from chat_app.models import User


def _of(user: User) -> AttentionSettings:
    return AttentionSettings(
        notify=stored_choice(user.notify),
        preview=bool(user.notify_preview),
        sound=bool(user.sound),
    )


@reads
def settings_of(session: Session, user_id: int) -> AttentionSettings:
    """A signed-in person's settings.

    Args:
        session: The database session.
        user_id: The verified account's id.

    Returns:
        The settings.

    Raises:
        ChatError: If the account is gone.
    """
    user = session.get(User, user_id)
    if user is None:
        raise ChatError("This account no longer exists.")
    return _of(user)


def save_settings(
    session: Session,
    user_id: int,
    *,
    notify: str | None = None,
    preview: bool | None = None,
    sound: bool | None = None,
) -> AttentionSettings:
    """Change some of a person's settings; the others stay.

    Args:
        session: The database session.
        user_id: The verified account's id.
        notify: A checked choice (``domain.attention.checked_choice``), or None.
        preview: Whether notifications show the text, or None.
        sound: Whether a sound plays, or None.

    Returns:
        The settings now.

    Raises:
        ChatError: If the account is gone.
    """
    user = session.get(User, user_id)
    if user is None:
        raise ChatError("This account no longer exists.")
    if notify is not None:
        user.notify = stored_choice(notify)
    if preview is not None:
        user.notify_preview = preview
    if sound is not None:
        user.sound = sound
    session.add(user)
    return _of(user)
