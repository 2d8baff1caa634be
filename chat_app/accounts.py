"""Accounts: sign-up, login with throttling, profiles.

Plain functions that take the database session, the settings and the clock
explicitly, so tests call them with a temporary database and a fake clock. They
are blocking (bcrypt, SQL): async callers run them through ``db.run``, which
gives sign-up and login threads of their own (``cpu.cpu_bound``).
bcrypt runs between two short transactions, never inside one: on SQLite every
transaction holds the one write lock that each chat message waits for, and
bcrypt takes a quarter of a second. So these functions commit what they counted
before hashing, and each transaction is retried alone when it loses a race
(``db.commit_alone``): the whole function never runs twice, counting twice.
Registrations, logins and logouts are logged here, whichever way they came (HTTP
or the page's socket); never a password, token or hash.
"""

import logging
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from chat_app import attempts, i18n
from chat_app.cpu import cpu_bound
from chat_app.db import commit_alone
from chat_app.domain.errors import ChatError
from chat_app.domain.people import search_key
from chat_app.domain.text import N_, Text
from chat_app.domain.validation import (
    username_skeleton,
    validate_email,
    validate_name,
    validate_password,
    validate_username,
)
from chat_app.models import User
from chat_app.security import AuthError, dummy_hash, hash_password, verify_password
from chat_app.sessions import BANNED, issue_token
from chat_app.settings import Settings

BAD_CREDENTIALS = N_("Wrong username, email or password.")
# One answer whichever is taken, so that it never confirms that an email address
# has an account here (a username is public, an email is not).
TAKEN = N_(
    "That username or email is already taken: choose another username, or log "
    "in if the account is yours."
)
logger = logging.getLogger(__name__)


class FieldError(ChatError):
    """A registration field was refused; ``field`` names it for the form."""

    def __init__(self, field: str, message: str | Text) -> None:
        """Name the field and say why.

        Args:
            field: The form field's name; empty when no one field is at fault.
            message: The reason shown to the user.
        """
        super().__init__(message)
        self.field = field


class DuplicateError(FieldError):
    """The username (or a lookalike of it) or the email belongs to an account.

    The message and the (empty) field are the same for both, so the answer does
    not tell whether an email address is registered.
    """

    def __init__(self) -> None:
        """Say it is taken, without saying which."""
        super().__init__("", TAKEN)


class ThrottledError(AuthError):
    """Too many failed logins; ``retry_after`` says how many seconds to wait."""

    def __init__(self, retry_after: int) -> None:
        """Say how long to wait.

        Args:
            retry_after: Seconds until another attempt is allowed.
        """
        super().__init__(
            "Too many failed attempts: try again in {wait} s.", wait=retry_after
        )
        self.retry_after = retry_after


class RegistrationThrottledError(FieldError):
    """Too many registrations from one address; ``retry_after`` in seconds."""

    def __init__(self, retry_after: int) -> None:
        """Say how long to wait.

        Args:
            retry_after: Seconds until another registration is allowed.
        """
        super().__init__(
            "",
            Text(
                "Too many accounts were registered from your network: try again "
                "in {wait} s.",
                {"wait": retry_after},
            ),
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class Registration:
    """A validated registration form."""

    name: str
    username: str
    email: str
    password: str
    language: str = i18n.DEFAULT_LANGUAGE


def validate_registration(fields: dict[str, object]) -> Registration:
    """Validate every field of a registration form.

    Args:
        fields: The submitted fields: name, username, email, password, and
            the language (``i18n.LANGUAGES``; anything else: the default).

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
            raise FieldError(field, error.text) from error
    return Registration(**cleaned, language=i18n.supported(fields.get("language")))


def create_account(
    session: Session, registration: Registration, *, password_hash: str, now: float
) -> User:
    """Store a new account whose password was hashed beforehand.

    Args:
        session: The database session (committed by the caller).
        registration: The validated form.
        password_hash: The password's hash, made outside any transaction.
        now: The current time, seconds since the epoch.

    Returns:
        The new user.

    Raises:
        DuplicateError: If the username, a lookalike of it, or the email is taken.
    """
    username_key = registration.username.casefold()
    skeleton = username_skeleton(registration.username)
    taken = session.exec(
        select(User.id).where(
            (col(User.username_key) == username_key)
            | (col(User.username_skeleton) == skeleton)
            | (col(User.email) == registration.email)
        )
    ).first()
    if taken is not None:
        raise DuplicateError()
    user = User(
        name=registration.name,
        name_key=search_key(registration.name),
        username=registration.username,
        username_key=username_key,
        username_skeleton=skeleton,
        email=registration.email,
        password_hash=password_hash,
        created_at=datetime.fromtimestamp(now, UTC),
        language=registration.language,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as error:  # a concurrent registration won the race
        session.rollback()
        raise DuplicateError() from error
    return user


def _normalised_login(login: str) -> str:
    """A login as accounts keep it.

    An email in its one stored form, else the case-folded username (a username
    never holds "@").
    """
    typed = login.strip()
    try:
        return validate_email(typed)
    except ChatError:
        return typed.casefold()


def _find_by_login(session: Session, normalised: str) -> User | None:
    """The account a login names.

    No username or email holds a control character (PostgreSQL refuses a NUL in
    any text, even to compare it) or a lone surrogate (which JSON allows, UTF-8
    does not): such a login names no one, and is never looked up.
    """
    if any(unicodedata.category(char) in ("Cc", "Cs") for char in normalised):
        return None
    column = User.email if "@" in normalised else User.username_key
    return session.exec(select(User).where(column == normalised)).first()


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


@cpu_bound
def sign_up(
    session: Session,
    fields: dict[str, object],
    *,
    client: str,
    settings: Settings,
    now: float,
) -> SignedIn:
    """Validate a registration form, create the account and log it in.

    A valid form is counted against the client's address and committed first
    (a taken username or email counts too: each answer tells something); the
    password is hashed with no transaction open; then the account is stored,
    with the client's address as one it logged in from.

    Args:
        session: The database session.
        fields: name, username, email, password.
        client: The client's address, for the registration limit.
        settings: Limits, bcrypt cost, secret.
        now: The current time.

    Returns:
        The new session.

    Raises:
        RegistrationThrottledError: After too many registrations from the address.
        FieldError: For a refused field, or a taken username or email.
    """
    try:
        registration = validate_registration(fields)
        wait = commit_alone(
            session,
            attempts.count_registration,
            client,
            limit=settings.registration_max_per_address,
            window=settings.registration_window_seconds,
            now=now,
        )
        if wait:
            raise RegistrationThrottledError(wait)
        password_hash = hash_password(
            registration.password, rounds=settings.bcrypt_rounds
        )

        def store(session: Session) -> User:
            user = create_account(
                session, registration, password_hash=password_hash, now=now
            )
            keys = attempts.LoginKeys.of(
                user.id, user.username_key, client, secret=settings.signing_secret()
            )
            known_until = now + settings.login_known_address_seconds
            attempts.remember_address(session, keys, until=known_until)
            return user

        user = commit_alone(session, store)
    except RegistrationThrottledError as error:
        logger.warning(
            "Registration throttled.",
            extra={"address": client, "retry_after": error.retry_after},
        )
        raise
    except FieldError as error:
        logger.info(
            "Registration refused.", extra={"field": error.field, "reason": str(error)}
        )
        raise
    logger.info("Account registered.", extra={"username": user.username})
    token, claims = issue_token(user, settings=settings, now=now)
    return SignedIn(profile=user.public(), token=token, expires_at=claims.expires_at)


@cpu_bound
def log_in(
    session: Session,
    login: object,
    password: object,
    *,
    client: str,
    settings: Settings,
    now: float,
) -> SignedIn:
    """Check a username or email and a password, and start a session.

    The attempt is counted as a failure and committed before bcrypt runs, with
    no transaction open; a right password then takes its count back and
    remembers the address as the account's. Unknown accounts cost a dummy
    bcrypt check, so timing tells nothing. A login that could name no account
    (a control character, a lone surrogate) is never looked up: it fails, and
    counts. The limits: see ``domain.limits.login_wait``.

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
        ThrottledError: After too many failures for the account or the address.
        AuthError: For a wrong login or password (one message for both).
    """
    if not isinstance(login, str) or not isinstance(password, str) or not login:
        _log_refused_login("Login failed.", None, client)
        raise AuthError(BAD_CREDENTIALS)
    normalised = _normalised_login(login)
    secret = settings.signing_secret()

    def count(
        session: Session,
    ) -> tuple[User | None, str | None, attempts.LoginKeys, attempts.LoginCount]:
        user = _find_by_login(session, normalised)
        user_id = user.id if user else None
        keys = attempts.LoginKeys.of(user_id, normalised, client, secret=secret)
        limits = attempts.login_limits(settings)
        counted = attempts.count_login(session, keys, limits=limits, now=now)
        # Read before the commit, which ends the transaction bcrypt must not hold.
        return user, user.password_hash if user else None, keys, counted

    # Committed even when throttled: the attempt may have been given a turn.
    user, stored, keys, counted = commit_alone(session, count)
    if counted.wait:
        _log_refused_login("Login throttled.", user, client, counted.wait)
        raise ThrottledError(counted.wait)
    matches = verify_password(password, stored or dummy_hash(settings.bcrypt_rounds))
    if user is None or not matches:
        _log_refused_login("Login failed.", user, client)
        raise AuthError(BAD_CREDENTIALS)
    if user.banned_at_ms is not None:  # told only to whoever knows the password
        _log_refused_login("Login of a banned account refused.", user, client)
        raise AuthError(BANNED)
    known_until = now + settings.login_known_address_seconds
    commit_alone(
        session, attempts.forgive_login, keys, counted.ids, known_until=known_until
    )
    token, claims = issue_token(user, settings=settings, now=now)
    logger.info("Logged in.", extra={"username": user.username, "address": client})
    return SignedIn(profile=user.public(), token=token, expires_at=claims.expires_at)


def _log_refused_login(
    message: str,
    user: User | None,
    client: str,
    retry_after: int | None = None,
) -> None:
    """Log a refused login with the account's username, if it names one.

    What was typed is never logged, only an account's username: people type
    their password into the login box, and that must not reach the logs.
    """
    extra: dict[str, object] = {
        "username": user.username if user else None,
        "address": client,
    }
    if retry_after is not None:
        extra["retry_after"] = retry_after
    logger.warning(message, extra=extra)
