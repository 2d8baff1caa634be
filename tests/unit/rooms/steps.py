"""Steps the room-service tests share: entering a room, posting, viewing."""

from sqlmodel import Session

from chat_app.rooms import messages, presence
from chat_app.settings import Settings

NOW = 1_800_000_000.0
ROOMS = ["sala-1", "sala-2"]
TTL = Settings().typing_ttl_seconds


def enter(session: Session, tab: str, username: str, room="sala-1", now=NOW):
    result = presence.enter(
        session, room=room, username=username, tab=tab, sid=f"sid-{tab}", now=now
    )
    session.commit()
    return result


def unlimited(settings: Settings) -> Settings:
    """The settings without a message rate limit worth mentioning."""
    return settings.model_copy(update={"message_rate_limit": 10**6})


def post(
    session: Session,
    settings: Settings,
    author: str,
    room="sala-1",
    at=0,
    text="x",
    reply_to=None,
    attachment_urls=(),
):
    return messages.post(
        session,
        room=room,
        author=author,
        text=text,
        clock=lambda: at / 1000,
        attachment_urls=list(attachment_urls),
        settings=settings,
        reply_to=reply_to,
    )


def view(session: Session, room: str, username: str, now=NOW, arriving=True):
    return messages.view(
        session,
        room=room,
        username=username,
        configured=ROOMS,
        now=now,
        typing_ttl=TTL,
        arriving=arriving,
    )


def set_typing(
    session: Session, tab: str, typing: bool, now: float, username: str | None = None
):
    """Report typing from a tab, as its own user (looked up) unless told otherwise."""
    if username is None:
        found = presence.presence_of(session, tab)
        username = found.username if found else "nobody"
    return presence.set_typing(
        session, tab=tab, username=username, typing=typing, now=now, ttl=TTL
    )
