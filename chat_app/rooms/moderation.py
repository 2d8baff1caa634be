"""Moderation over the database: bans, mutes, the log, the people an admin sees.

Every function that changes something checks that the caller is an
administrator (the handlers check it too) and records what was done, by whom,
to whom and why in ``moderation_actions``, in the same transaction. A ban ends
the person's sessions: ``sessions.verify_session`` refuses them and the
presence sweep (``liveness``) evicts their tabs.
"""

from collections.abc import Sequence

from sqlmodel import Session, col, or_, select

from chat_app.accounts import find_by_username
from chat_app.db import reads
from chat_app.domain.errors import ChatError
from chat_app.domain.moderation import (
    LOG_SHOWN,
    PEOPLE_SHOWN,
    Entry,
    PersonStatus,
    check_admin,
    check_not_muted,
    check_target,
    is_admin,
    valid_reason,
)
from chat_app.domain.people import like_prefix, search_key
from chat_app.models import ModerationAction, User
from chat_app.security import AuthError
from chat_app.sessions import BANNED


def writing_allowed(session: Session, *, username: str, now_ms: int) -> None:
    """Refuse what a muted or banned person writes: a message, an edit, a reaction.

    A ban reaches every process's fast identity check within a tick; this
    refuses the banned person's writes at once, wherever their tab is.

    Args:
        session: The database session.
        username: The verified user.
        now_ms: The time now.

    Raises:
        MutedError: While the user is muted (nothing is stored).
        AuthError: If the user is banned.
    """
    row = session.exec(
        select(User.muted_until_ms, User.banned_at_ms).where(
            User.username_key == username.casefold()
        )
    ).first()
    until, banned = row if row else (None, None)
    if banned is not None:
        raise AuthError(BANNED)
    check_not_muted(until, now_ms=now_ms)


def record(
    session: Session,
    *,
    admin: str,
    action: str,
    target: str,
    now_ms: int,
    room: str | None = None,
    seq: int | None = None,
    reason: str = "",
    until_ms: int | None = None,
) -> Entry:
    """Write one moderation action in the log.

    Args:
        session: The database session.
        admin: The administrator who acted.
        action: One of ``domain.moderation.ACTIONS``.
        target: The person acted on.
        now_ms: When.
        room: The room of a removed message.
        seq: The number of a removed message.
        reason: Why, as the administrator wrote it.
        until_ms: When a mute ends.

    Returns:
        The entry, as the log lists it.
    """
    row = ModerationAction(
        at_ms=now_ms,
        admin=admin,
        action=action,
        target=target,
        room=room,
        seq=seq,
        reason=reason,
        until_ms=until_ms,
    )
    session.add(row)
    return _entry(row)


def _entry(row: ModerationAction) -> Entry:
    return Entry(
        at_ms=row.at_ms,
        admin=row.admin,
        action=row.action,
        target=row.target,
        room=row.room or "",
        seq=row.seq or 0,
        reason=row.reason,
        until_ms=row.until_ms or 0,
    )


def _person(session: Session, username: object) -> User:
    """The account a username names, or a clear refusal."""
    user = find_by_username(session, username) if isinstance(username, str) else None
    if user is None:
        raise ChatError("No one has that username.")
    return user


def _changed(
    session: Session,
    user: User,
    *,
    admin: str,
    action: str,
    now_ms: int,
    reason: str,
    until_ms: int | None = None,
) -> Entry:
    """Store a person an administrator changed, and log what was done."""
    session.add(user)
    return record(
        session,
        admin=admin,
        action=action,
        target=user.username,
        now_ms=now_ms,
        reason=reason,
        until_ms=until_ms,
    )


def _acted_on(
    session: Session,
    *,
    admin: str,
    username: object,
    admins: Sequence[str],
) -> User:
    """The person an administrator bans or mutes, checked: not oneself, no admin."""
    check_admin(admin, admins)
    user = _person(session, username)
    check_target(admin=admin, target=user.username, admins=admins)
    return user


def ban(
    session: Session,
    *,
    admin: str,
    username: object,
    reason: object,
    admins: Sequence[str],
    now_ms: int,
) -> tuple[Entry, int]:
    """Ban a person: no login, no event; their open tabs are evicted.

    Args:
        session: The database session.
        admin: The verified caller.
        username: The person, as the client named them.
        reason: Why (optional, at most 300 characters).
        admins: The configured administrators.
        now_ms: The time now.

    Returns:
        The log's entry, and the banned account's id.

    Raises:
        NotAdminError: If the caller is not an administrator.
        ChatError: For no such person, oneself, another administrator, a
            reason too long, or a person already banned.
    """
    why = valid_reason(reason)
    user = _acted_on(session, admin=admin, username=username, admins=admins)
    if user.banned_at_ms is not None:
        raise ChatError("{username} is banned already.", username=user.username)
    user.banned_at_ms = now_ms
    return _changed(
        session, user, admin=admin, action="ban", now_ms=now_ms, reason=why
    ), user.id or 0


def unban(
    session: Session,
    *,
    admin: str,
    username: object,
    reason: object,
    admins: Sequence[str],
    now_ms: int,
) -> Entry:
    """Let a banned person log in again.

    Args:
        session: The database session.
        admin: The verified caller.
        username: The person.
        reason: Why (optional).
        admins: The configured administrators.
        now_ms: The time now.

    Returns:
        The log's entry.

    Raises:
        NotAdminError: If the caller is not an administrator.
        ChatError: For no such person, or one who is not banned.
    """
    why = valid_reason(reason)
    check_admin(admin, admins)
    user = _person(session, username)
    if user.banned_at_ms is None:
        raise ChatError("{username} is not banned.", username=user.username)
    user.banned_at_ms = None
    return _changed(
        session, user, admin=admin, action="unban", now_ms=now_ms, reason=why
    )


def mute(
    session: Session,
    *,
    admin: str,
    username: object,
    seconds: int,
    reason: object,
    admins: Sequence[str],
    now_ms: int,
) -> Entry:
    """Keep a person from writing, editing and reacting for a while.

    Args:
        session: The database session.
        admin: The verified caller.
        username: The person.
        seconds: How long (``domain.moderation.mute_seconds``).
        reason: Why (optional).
        admins: The configured administrators.
        now_ms: The time now.

    Returns:
        The log's entry (with the mute's end).

    Raises:
        NotAdminError: If the caller is not an administrator.
        ChatError: For no such person, oneself or another administrator.
    """
    why = valid_reason(reason)
    user = _acted_on(session, admin=admin, username=username, admins=admins)
    user.muted_until_ms = now_ms + seconds * 1000
    return _changed(
        session,
        user,
        admin=admin,
        action="mute",
        now_ms=now_ms,
        reason=why,
        until_ms=user.muted_until_ms,
    )


def unmute(
    session: Session,
    *,
    admin: str,
    username: object,
    reason: object,
    admins: Sequence[str],
    now_ms: int,
) -> Entry:
    """End a person's mute now.

    Args:
        session: The database session.
        admin: The verified caller.
        username: The person.
        reason: Why (optional).
        admins: The configured administrators.
        now_ms: The time now.

    Returns:
        The log's entry.

    Raises:
        NotAdminError: If the caller is not an administrator.
        ChatError: For no such person, or one who is not muted.
    """
    why = valid_reason(reason)
    check_admin(admin, admins)
    user = _person(session, username)
    if user.muted_until_ms is None or user.muted_until_ms <= now_ms:
        raise ChatError("{username} is not muted.", username=user.username)
    user.muted_until_ms = None
    return _changed(
        session, user, admin=admin, action="unmute", now_ms=now_ms, reason=why
    )


@reads
def people(
    session: Session,
    *,
    admin: str,
    query: object,
    admins: Sequence[str],
    now_ms: int,
    limit: int = PEOPLE_SHOWN,
) -> list[PersonStatus]:
    """The people an administrator may act on, by the start of a username or name.

    Args:
        session: The database session.
        admin: The verified caller.
        query: The start of a username or name ("" for everyone).
        admins: The configured administrators.
        now_ms: The time now (a mute that ended is no mute).
        limit: How many at most.

    Returns:
        The people in username order, each with their state.

    Raises:
        NotAdminError: If the caller is not an administrator.
    """
    check_admin(admin, admins)
    statement = select(User).order_by(col(User.username_key)).limit(limit)
    if isinstance(query, str) and query.strip():
        start = query.strip()[:64]
        statement = statement.where(
            or_(
                col(User.username_key).like(like_prefix(start.casefold()), escape="\\"),
                col(User.name_key).like(like_prefix(search_key(start)), escape="\\"),
            )
        )
    return [
        PersonStatus(
            username=user.username,
            name=user.name,
            admin=is_admin(user.username, admins),
            banned=user.banned_at_ms is not None,
            muted_until_ms=(
                user.muted_until_ms
                if user.muted_until_ms and user.muted_until_ms > now_ms
                else 0
            ),
        )
        for user in session.exec(statement).all()
    ]


@reads
def log(
    session: Session, *, admin: str, admins: Sequence[str], limit: int = LOG_SHOWN
) -> list[Entry]:
    """The latest moderation actions, newest first.

    Args:
        session: The database session.
        admin: The verified caller.
        admins: The configured administrators.
        limit: How many at most.

    Returns:
        The entries.

    Raises:
        NotAdminError: If the caller is not an administrator.
    """
    check_admin(admin, admins)
    rows = session.exec(
        select(ModerationAction)
        .order_by(col(ModerationAction.at_ms).desc(), col(ModerationAction.id).desc())
        .limit(limit)
    ).all()
    return [_entry(row) for row in rows]
