"""Accounts: sign-up, login with throttling, profiles.

Plain functions that take the database session, the settings and the clock
explicitly, so tests call them with a temporary database and a fake clock. They
are blocking (bcrypt, SQL): async callers run them through ``asyncio.to_thread``.
Registrations, logins and logouts are logged here, whichever way they came (HTTP
or the page's socket); never a password, token or hash.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from chat_app.db import take_turn
from chat_app.domain.errors import ChatError
from chat_app.domain.limits import seconds_to_wait
from chat_app.domain.validation import (
    validate_email,
    validate_name,
    validate_password,
    validate_username,
)
from chat_app.models import LoginFailure, User
from chat_app.security import (
    AuthError,
    dummy_hash,
    hash_password,
    verify_password,
)
from chat_app.sessions import issue_token
from chat_app.settings import Settings

BAD_CREDENTIALS = "Wrong username, email or password."

logger = logging.getLogger(__name__)


class FieldError(ChatError):
    """A registration field was refused; ``field`` names it for the form."""

    def __init__(self, field: str, message: str) -> None:
        """Name the field and say why.

        Args:
            field: The form field's name.
            message: The reason shown to the user.
        """
        super().__init__(message)
        self.field = field


class DuplicateError(FieldError):
    """The username or email already belongs to an account."""


class ThrottledError(AuthError):
    """Too many failed logins; ``retry_after`` says how many seconds to wait."""

    def __init__(self, retry_after: int) -> None:
        """Say how long to wait.

        Args:
            retry_after: Seconds until another attempt is allowed.
        """
        super().__init__(f"Too many failed attempts: try again in {retry_after} s.")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Registration:
    """A validated registration form."""

    name: str
    username: str
    email: str
    password: str


def validate_registration(fields: dict[str, object]) -> Registration:
    """Validate every field of a registration form.

    Args:
        fields: The submitted fields: name, username, email, password.

    Returns:
        The cleaned registration.

    Raises:
        FieldError: For the first field that is refused.
    """
    checks = (
        ("name", validate_name),
        ("username", validate_username),
        ("email", validate_email),
        ("password", validate_password),
    )
    cleaned: dict[str, str] = {}
    for field, check in checks:
        try:
            cleaned[field] = check(fields.get(field))
        except ChatError as error:
            raise FieldError(field, str(error)) from error
    return Registration(**cleaned)


def create_account(
    session: Session, registration: Registration, *, settings: Settings, now: float
) -> User:
    """Create an account.

    Args:
        session: The database session (committed by the caller).
        registration: The validated form.
        settings: For the bcrypt cost.
        now: The current time, seconds since the epoch.

    Returns:
        The new user.

    Raises:
        DuplicateError: If the username or the email is taken.
    """
    username_key = registration.username.casefold()
    if session.exec(select(User).where(User.username_key == username_key)).first():
        raise DuplicateError("username", "That username is taken.")
    if session.exec(select(User).where(User.email == registration.email)).first():
        raise DuplicateError("email", "An account with that email already exists.")
    user = User(
        name=registration.name,
        username=registration.username,
        username_key=username_key,
        email=registration.email,
        password_hash=hash_password(
            registration.password, rounds=settings.bcrypt_rounds
        ),
        created_at=datetime.fromtimestamp(now, UTC),
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as error:  # a concurrent registration won the race
        session.rollback()
        raise DuplicateError("username", "That username or email is taken.") from error
    return user


def _failure_keys(login: str, client: str) -> tuple[str, str]:
    return f"account:{login.strip().casefold()}", f"address:{client}"


def _seconds_to_wait(
    session: Session, keys: tuple[str, ...], *, settings: Settings, now: float
) -> int:
    """The longest wait any of the keys imposes."""
    rows = session.exec(
        select(LoginFailure.key, LoginFailure.at).where(
            col(LoginFailure.key).in_(keys),
            LoginFailure.at > now - settings.login_window_seconds,
        )
    ).all()
    return max(
        seconds_to_wait(
            [at for row_key, at in rows if row_key == key],
            now=now,
            limit=settings.login_max_failures,
            window=settings.login_window_seconds,
        )
        for key in keys
    )


def authenticate(
    session: Session,
    login: object,
    password: object,
    *,
    client: str,
    settings: Settings,
    now: float,
) -> User:
    """Check a username or email and a password, throttling repeated failures.

    Unknown accounts cost a dummy bcrypt check, so timing tells nothing.

    Args:
        session: The database session (committed by the caller, also on failure,
            so that failures are counted).
        login: A username or an email address.
        password: The password.
        client: The client's address, for the per-address limit.
        settings: Limits and bcrypt cost.
        now: The current time.

    Returns:
        The user.

    Raises:
        ThrottledError: After too many failures for the account or the address.
        AuthError: For a wrong login or password (one message for both).
    """
    if not isinstance(login, str) or not isinstance(password, str) or not login:
        raise AuthError(BAD_CREDENTIALS)
    keys = _failure_keys(login, client)
    # Attempts on one account or from one address are counted one at a time, so
    # parallel guesses cannot all slip under the limit.
    for key in sorted(keys):
        take_turn(session, key)
    wait = _seconds_to_wait(session, keys, settings=settings, now=now)
    if wait:
        raise ThrottledError(wait)
    user = _find_by_login(session, login)
    stored = user.password_hash if user else dummy_hash(settings.bcrypt_rounds)
    if not verify_password(password, stored) or user is None:
        session.add_all(LoginFailure(key=failure_key, at=now) for failure_key in keys)
        raise AuthError(BAD_CREDENTIALS)
    session.exec(delete(LoginFailure).where(col(LoginFailure.key) == keys[0]))
    return user


def _find_by_login(session: Session, login: str) -> User | None:
    key = login.strip().casefold()
    return session.exec(
        select(User).where((User.username_key == key) | (User.email == key))
    ).first()


def find_by_username(session: Session, username: str) -> User | None:
    """Look an account up by username, ignoring case.

    Args:
        session: The database session.
        username: The username.

    Returns:
        The user, or None.
    """
    key = username.casefold()
    return session.exec(select(User).where(User.username_key == key)).first()


@dataclass(frozen=True)
class SignedIn:
    """The result of a login or a registration: who, and their new session.

    Attributes:
        profile: The public profile (never the hash).
        token: The session token.
        expires_at: When it expires, seconds since the epoch.
    """

    profile: dict[str, object]
    token: str
    expires_at: int


def sign_up(
    session: Session, fields: dict[str, object], *, settings: Settings, now: float
) -> SignedIn:
    """Validate a registration form, create the account and log it in.

    Args:
        session: The database session.
        fields: name, username, email, password.
        settings: Limits, bcrypt cost, secret.
        now: The current time.

    Returns:
        The new session.
    """
    try:
        registration = validate_registration(fields)
        user = create_account(session, registration, settings=settings, now=now)
    except FieldError as error:
        logger.info(
            "Registration refused.", extra={"field": error.field, "reason": str(error)}
        )
        raise
    logger.info("Account registered.", extra={"username": user.username})
    token, claims = issue_token(user, settings=settings, now=now)
    return SignedIn(profile=user.public(), token=token, expires_at=claims.expires_at)


def log_in(
    session: Session,
    login: object,
    password: object,
    *,
    client: str,
    settings: Settings,
    now: float,
) -> SignedIn:
    """Authenticate and start a session; a failure is recorded before it is raised.

    Args:
        session: The database session.
        login: Username or email.
        password: The password.
        client: The client's address.
        settings: Limits, bcrypt cost, secret.
        now: The current time.

    Returns:
        The new session.

    Raises:
        AuthError: As :func:`authenticate` does.
    """
    try:
        user = authenticate(
            session, login, password, client=client, settings=settings, now=now
        )
    except ThrottledError as error:
        _log_refused_login(
            session, "Login throttled.", login, client, error.retry_after
        )
        raise
    except AuthError:
        session.commit()  # the failure must count even though we raise
        _log_refused_login(session, "Login failed.", login, client)
        raise
    token, claims = issue_token(user, settings=settings, now=now)
    logger.info("Logged in.", extra={"username": user.username, "address": client})
    return SignedIn(profile=user.public(), token=token, expires_at=claims.expires_at)


def _log_refused_login(
    session: Session,
    message: str,
    login: object,
    client: str,
    retry_after: int | None = None,
) -> None:
    """Log a refused login with the account's username, if it names one.

    What was typed is logged only when it is an account's username or email:
    people type their password into the login box, and that must not reach the
    logs.
    """
    user = _find_by_login(session, login) if isinstance(login, str) else None
    extra: dict[str, object] = {
        "username": user.username if user else None,
        "address": client,
    }
    if retry_after is not None:
        extra["retry_after"] = retry_after
    logger.warning(message, extra=extra)


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
