"""Sessions: tokens issued at login, verified at every event, revoked at logout.

A session is a signed JWT the browser keeps; revoking it records its id until it
would have expired anyway. ``identify`` is what every chat event starts with:
the verified user and the room their tab is in.
"""

import logging
import threading
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from chat_app.db import reads
from chat_app.domain.text import N_
from chat_app.models import Presence, RevokedToken, User
from chat_app.rooms.presence import presence_of
from chat_app.security import AuthError, TokenClaims, create_token, decode_token
from chat_app.settings import Settings

logger = logging.getLogger(__name__)
# What a banned person reads at login and when their tabs are cut off.
BANNED = N_("This account was banned by an administrator.")


def issue_token(
    user: User, *, settings: Settings, now: float
) -> tuple[str, TokenClaims]:
    """Start a session for a user.

    Args:
        user: The authenticated user.
        settings: Secret and lifetime.
        now: The current time.

    Returns:
        The token and its claims.
    """
    assert user.id is not None
    return create_token(
        user.id,
        secret=settings.signing_secret(),
        now=now,
        ttl_seconds=settings.token_ttl_seconds,
    )


@reads
def verify_session(
    session: Session, token: object, *, settings: Settings, now: float
) -> tuple[User, TokenClaims]:
    """Find the user behind a session token.

    Args:
        session: The database session.
        token: What the client presented.
        settings: The secret.
        now: The current time.

    Returns:
        The user and the token's claims.

    Raises:
        AuthError: If the token is invalid, expired or revoked, or its account is
            gone or banned.
    """
    claims = decode_token(token, secret=settings.signing_secret(), now=now)
    if session.get(RevokedToken, claims.token_id) is not None:
        raise AuthError("You have logged out; please log in again.")
    user = session.get(User, claims.user_id)
    if user is None:
        raise AuthError("This account no longer exists.")
    if user.banned_at_ms is not None:
        raise AuthError(BANNED)
    return user, claims


class Revocations:
    """The sessions this process knows to be revoked, without asking the database.

    Refreshed from the database every presence tick (``upkeep``) and told at
    once of a logout made here; a logout on another process is known here
    within one tick, when its tabs are evicted anyway. A logout made here stays
    known whatever a refresh read before its commit says. The banned accounts
    are known the same way: every session of theirs counts as revoked.
    """

    def __init__(self) -> None:
        """Know of none."""
        self._lock = threading.Lock()
        self._ids: frozenset[str] = frozenset()
        self._made_here: dict[str, int] = {}  # id: when the session expires
        self._banned: frozenset[int] = frozenset()

    def __contains__(self, token_id: object) -> bool:
        """Whether a session is known to be revoked."""
        return token_id in self._ids

    def banned(self, user_id: int) -> bool:
        """Whether an account is known to be banned.

        Args:
            user_id: The account's id.

        Returns:
            True when the last refresh (or a ban made here since) listed it.
        """
        return user_id in self._banned

    def ban(self, user_id: int) -> None:
        """Know at once of a ban made by this process.

        Args:
            user_id: The banned account's id.
        """
        with self._lock:
            self._banned = self._banned | {user_id}

    def replace_banned(self, user_ids: frozenset[int]) -> None:
        """Know the banned accounts the database lists.

        Args:
            user_ids: Their ids.
        """
        with self._lock:
            self._banned = user_ids

    def add(self, token_id: str, expires_at: int) -> None:
        """Know of a session revoked by this process.

        Args:
            token_id: The session's id.
            expires_at: When it expires anyway (seconds since the epoch).
        """
        with self._lock:
            self._made_here[token_id] = expires_at
            self._ids = self._ids | {token_id}

    def replace(self, token_ids: frozenset[str], *, now: float) -> None:
        """Know the revoked sessions the database lists, and those revoked here.

        Args:
            token_ids: The ids the database lists.
            now: The current time (revocations made here expire with their
                sessions).
        """
        with self._lock:
            self._made_here = {
                jti: expires
                for jti, expires in self._made_here.items()
                if expires >= now
            }
            self._ids = token_ids | self._made_here.keys()


# This process's knowledge of revoked sessions.
REVOKED = Revocations()


@reads
def revoked_ids(session: Session, *, now: float) -> frozenset[str]:
    """The ids of revoked sessions that have not expired anyway.

    Args:
        session: The database session.
        now: The current time.

    Returns:
        The ids.
    """
    rows = session.exec(
        select(RevokedToken.jti).where(col(RevokedToken.expires_at) >= now)
    )
    return frozenset(rows.all())


@reads
def banned_ids(session: Session) -> frozenset[int]:
    """The ids of the banned accounts.

    Args:
        session: The database session.

    Returns:
        The ids.
    """
    rows = session.exec(select(User.id).where(col(User.banned_at_ms).is_not(None)))
    return frozenset(user_id for user_id in rows.all() if user_id is not None)


def verify_known(
    token: object, *, user_id: int, settings: Settings, now: float
) -> TokenClaims | None:
    """Verify a session token without the database, for an account already known.

    Most of a tab's events come from the session it was verified with by the
    database: its signature and expiry are checked here, and its revocation
    against what this process knows (see :class:`Revocations`).

    Args:
        token: What the client presented.
        user_id: The account the database verified this tab's session for (0
            for none yet).
        settings: The secret.
        now: The current time.

    Returns:
        The claims; None when only the database can tell (another account, a
        session known to be revoked, an account known to be banned).

    Raises:
        AuthError: If the token is not a valid, unexpired session token.
    """
    claims = decode_token(token, secret=settings.signing_secret(), now=now)
    if (
        claims.user_id != user_id
        or claims.token_id in REVOKED
        or REVOKED.banned(claims.user_id)
    ):
        return None
    return claims


def revoke(session: Session, claims: TokenClaims, *, now: float) -> None:
    """Log a session out: its token stops working everywhere.

    Also forgets revocations of tokens that have expired anyway. This process
    knows at once (even before the commit, which only makes it ask the
    database again).

    Args:
        session: The database session (committed by the caller).
        claims: The verified claims of the token to revoke.
        now: The current time.
    """
    REVOKED.add(claims.token_id, claims.expires_at)
    session.exec(delete(RevokedToken).where(col(RevokedToken.expires_at) < now))
    if session.get(RevokedToken, claims.token_id) is None:
        try:
            with session.begin_nested():
                session.add(
                    RevokedToken(jti=claims.token_id, expires_at=claims.expires_at)
                )
        except IntegrityError:
            pass  # a concurrent logout of the same session revoked it first


def log_out(session: Session, token: object, *, settings: Settings, now: float) -> None:
    """Revoke a session token if it is still valid; an invalid one needs nothing.

    Args:
        session: The database session.
        token: The token to revoke.
        settings: The secret.
        now: The current time.
    """
    try:
        user, claims = verify_session(session, token, settings=settings, now=now)
    except AuthError:
        return
    revoke(session, claims, now=now)
    logger.info("Logged out.", extra={"username": user.username})


@dataclass(frozen=True)
class Caller:
    """Who sent an event and where their tab is.

    Attributes:
        user_id: The verified account's id.
        username: The verified account's username.
        room: The slug of the room the tab is in, or None.
        token_id: The id of the verified session.
        expires_at: When the session expires, seconds since the epoch.
        language: The language the account chose, or None.
        user_room: The room the user's other tabs are in, when this tab is in
            none (a new tab goes there rather than pulling them elsewhere).
    """

    user_id: int
    username: str
    room: str | None
    token_id: str
    expires_at: int
    language: str | None = None
    user_room: str | None = None


@reads
def identify(
    session: Session, token: object, *, tab: str, settings: Settings, now: float
) -> Caller:
    """Verify a session token and find the tab's room, in one database visit.

    Args:
        session: The database session.
        token: The browser's session token.
        tab: The tab's id.
        settings: The secret.
        now: The current time.

    Returns:
        The caller.

    Raises:
        AuthError: If the token is not a valid session.
    """
    user, claims = verify_session(session, token, settings=settings, now=now)
    presence = presence_of(session, tab)
    present = presence is not None and presence.username == user.username
    user_room = None
    if not present:
        user_room = session.exec(
            select(Presence.room).where(Presence.username == user.username).limit(1)
        ).first()
    assert user.id is not None
    return Caller(
        user_id=user.id,
        username=user.username,
        room=presence.room if present and presence else None,
        token_id=claims.token_id,
        expires_at=claims.expires_at,
        language=user.language,
        user_room=user_room,
    )
