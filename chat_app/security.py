"""Passwords and session tokens: plain functions with explicit inputs.

Passwords are hashed with bcrypt through libpass (the maintained passlib). Hashing
costs about 0.2 s of CPU, so async callers run these functions in a worker thread,
never inside a database transaction, and no more of them at once than there are
cores.
Session tokens are HS256 JWTs with ``sub``, ``iat``, ``exp`` and ``jti``.
"""

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import jwt
from passlib.context import CryptContext

from chat_app.cpu import cpu_slots
from chat_app.domain.errors import ChatError

ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("sub", "iat", "exp", "jti")
CLOCK_SKEW_SECONDS = 60
# bcrypt keeps a core busy and releases the GIL: more hashes at once than all the
# cores but one only slow each other down, and take the event loop's core too.
BCRYPT_SLOTS = threading.BoundedSemaphore(cpu_slots())
# And each slot rests after a hash for as long as the hash took (times this), so
# a storm of logins takes at most half a core from the chat: logins wait longer
# in a storm, messages do not.
BCRYPT_REST = 1.0
_slot_ready_at: list[float] = []
_pace = threading.Lock()


@contextmanager
def _bcrypt_slot() -> Iterator[None]:
    """Hold a bcrypt slot, paced so that hashing leaves the chat its CPU."""
    with BCRYPT_SLOTS:
        with _pace:
            ready_at = _slot_ready_at.pop(0) if _slot_ready_at else 0.0
        time.sleep(max(0.0, ready_at - time.monotonic()))
        started = time.monotonic()
        try:
            yield
        finally:
            ended = time.monotonic()
            with _pace:
                _slot_ready_at.append(ended + (ended - started) * BCRYPT_REST)


class AuthError(ChatError):
    """A session token or a credential was refused."""


@lru_cache(maxsize=4)
def _context(rounds: int) -> CryptContext:
    return CryptContext(schemes=["bcrypt"], bcrypt__rounds=rounds)


def hash_password(password: str, *, rounds: int) -> str:
    """Hash a validated password.

    Args:
        password: At most 72 bytes of UTF-8 (checked by the caller's validation).
        rounds: The bcrypt cost factor.

    Returns:
        The bcrypt hash string.
    """
    with _bcrypt_slot():
        return _context(rounds).hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """Check a password against a stored hash.

    Args:
        password: What the user typed.
        password_hash: The stored hash.

    Returns:
        True if they match; False for a wrong password or an unusable hash.
    """
    try:
        if len(password.encode()) > 72:
            return False
    except UnicodeEncodeError:  # lone surrogates, which JSON allows: not a password
        return False
    try:
        with _bcrypt_slot():
            return _context(12).verify(password, password_hash)
    except ValueError:  # an unusable hash, or a NUL in the password
        return False


@lru_cache(maxsize=4)
def dummy_hash(rounds: int) -> str:
    """A hash to verify against when the account does not exist.

    Checking it costs the same as checking a real one, so response times do not
    tell whether an account exists.

    Args:
        rounds: The bcrypt cost factor of real hashes.

    Returns:
        A bcrypt hash of a random password.
    """
    return hash_password(uuid.uuid4().hex, rounds=rounds)


@dataclass(frozen=True)
class TokenClaims:
    """The verified content of a session token.

    Attributes:
        user_id: The account's id (the ``sub`` claim).
        token_id: The token's unique id (``jti``), used to revoke it.
        issued_at: Seconds since the epoch.
        expires_at: Seconds since the epoch.
    """

    user_id: int
    token_id: str
    issued_at: int
    expires_at: int


def create_token(
    user_id: int, *, secret: bytes, now: float, ttl_seconds: int
) -> tuple[str, TokenClaims]:
    """Issue a session token.

    Args:
        user_id: The account's id.
        secret: The signing key.
        now: The current time, seconds since the epoch.
        ttl_seconds: How long it stays valid.

    Returns:
        The encoded token and its claims.
    """
    claims = TokenClaims(
        user_id=user_id,
        token_id=uuid.uuid4().hex,
        issued_at=int(now),
        expires_at=int(now) + ttl_seconds,
    )
    payload = {
        "sub": str(user_id),
        "iat": claims.issued_at,
        "exp": claims.expires_at,
        "jti": claims.token_id,
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM), claims


def decode_token(token: object, *, secret: bytes, now: float) -> TokenClaims:
    """Verify a session token's signature, algorithm, claims and expiry.

    Revocation is checked by the caller against the database.

    Args:
        token: What the client presented.
        secret: The signing key.
        now: The current time, seconds since the epoch.

    Returns:
        The claims.

    Raises:
        AuthError: If the token is malformed, forged, of another algorithm, lacks
            a claim, or has expired.
    """
    if not isinstance(token, str) or not token:
        raise AuthError("You are not logged in.")
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            # Time claims are checked below against the caller's clock.
            options={
                "require": list(REQUIRED_CLAIMS),
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
            },
        )
        claims = TokenClaims(
            user_id=int(payload["sub"]),
            token_id=str(payload["jti"]),
            issued_at=int(payload["iat"]),
            expires_at=int(payload["exp"]),
        )
    except (jwt.PyJWTError, ValueError, TypeError) as error:
        raise AuthError("Your session is not valid; please log in again.") from error
    if claims.expires_at <= now:
        raise AuthError("Your session has expired; please log in again.")
    if claims.issued_at > now + CLOCK_SKEW_SECONDS:
        raise AuthError("Your session is not valid; please log in again.")
    return claims
