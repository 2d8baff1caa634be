"""Counted attempts: failed logins and registrations, under keys, taking turns.

Each counted attempt is a ``LoginFailure`` row under a key: a login under its
account, its address and the pair of both; a registration under its address.
Attempts on one key take turns (``db.take_turn``: an advisory lock on PostgreSQL,
the write lock on SQLite), so parallel attempts are counted one after another,
across every backend process. The rules that turn the counts into a wait are in
``domain.limits``.
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col, select

from chat_app.db import take_turn
from chat_app.domain.limits import LoginLimits, login_wait, seconds_to_wait
from chat_app.models import LoginFailure

# Longer client addresses are hashed, so that every key fits its column (300).
MAX_ADDRESS_IN_KEY = 100


def _digest(text: str, *, key: bytes = b"") -> str:
    # "surrogatepass": JSON can carry lone surrogates, which UTF-8 refuses.
    data = text.encode(errors="surrogatepass")
    return hashlib.blake2b(data, key=key, digest_size=16).hexdigest()


def address_key(client: str) -> str:
    """The key of a client's address.

    Args:
        client: The address.

    Returns:
        ``address:`` and the address, or a hash of one too long for the column.
    """
    if len(client) <= MAX_ADDRESS_IN_KEY:
        return f"address:{client}"
    return f"address:#{_digest(client)}"


def account_key(user_id: int | None, login: str, *, secret: bytes) -> str:
    """The one key of the account a login names, whatever the login typed.

    Args:
        user_id: The account's id, or None when the login names none.
        login: The login in its normal form (see ``accounts``), keying an
            unknown login.
        secret: Keys the hash of an unknown login.

    Returns:
        ``account:<id>``, or ``login:`` and a keyed hash of the login: it fits
        the column however long the login, and keeps what people type (at times
        their password) out of the database.
    """
    if user_id is not None:
        return f"account:{user_id}"
    return f"login:{_digest(login, key=secret[:64])}"


@dataclass(frozen=True)
class LoginKeys:
    """The keys a login attempt counts under.

    Attributes:
        pair: The account from this address.
        account: The account from every address.
        address: This address, whatever the account.
    """

    pair: str
    account: str
    address: str

    @classmethod
    def of(cls, account: str, client: str) -> "LoginKeys":
        """The keys of an account's key and a client's address.

        Args:
            account: From :func:`account_key`.
            client: The client's address.

        Returns:
            The keys.
        """
        address = address_key(client)
        return cls(pair=f"pair:{account}|{address}", account=account, address=address)


def _take_turns_and_count(
    session: Session, keys: Iterable[str], *, since: float
) -> dict[str, list[float]]:
    """Take turns on each key, then read the times counted under them since then.

    The keys are taken in order, so two attempts never wait for each other.
    """
    ordered = sorted(set(keys))
    for key in ordered:
        take_turn(session, key)
    rows = session.exec(
        select(LoginFailure.key, LoginFailure.at).where(
            col(LoginFailure.key).in_(ordered), LoginFailure.at > since
        )
    ).all()
    return {key: [at for row_key, at in rows if row_key == key] for key in ordered}


def _not_before(now: float, counted: dict[str, list[float]]) -> float:
    """The time to count an attempt at, once it has its turn.

    A request reads the clock on arrival, then may wait for its turn behind one
    that read it later: counted at its own earlier time, it would find the
    newest attempts in its future and leave them out.
    """
    return max([now, *(at for times in counted.values() for at in times)])


def count_registration(
    session: Session, client: str, *, limit: int, window: float, now: float
) -> int:
    """Count a registration from an address, unless the address is past its limit.

    Args:
        session: The database session (committed by the caller).
        client: The client's address.
        limit: Registrations allowed from one address...
        window: ...within this many seconds.
        now: The current time.

    Returns:
        0 when counted; otherwise the seconds to wait (nothing counted).
    """
    key = f"register:{address_key(client)}"
    counted = _take_turns_and_count(session, [key], since=now - window)
    now = _not_before(now, counted)
    wait = seconds_to_wait(counted[key], now=now, limit=limit, window=window)
    if not wait:
        session.add(LoginFailure(key=key, at=now))
    return wait


@dataclass(frozen=True)
class LoginCount:
    """A login attempt, counted as a failure until its password proves right.

    Attributes:
        wait: 0 when counted (the password may be checked); otherwise the seconds
            to wait, and nothing was counted.
        ids: The failures it added.
    """

    wait: int
    ids: tuple[int, ...] = ()


def count_login(
    session: Session, keys: LoginKeys, *, limits: LoginLimits, now: float
) -> LoginCount:
    """Count a login attempt as a failure, unless the limits make it wait.

    Counting before the password is checked is what holds the limits when many
    guesses arrive at once: each finds those before it counted, whether or not
    their bcrypt has finished.

    Args:
        session: The database session (the caller commits before checking).
        keys: The attempt's keys.
        limits: The limits (see ``domain.limits.login_wait``).
        now: The current time.

    Returns:
        The count.
    """
    every = (keys.pair, keys.account, keys.address)
    counted = _take_turns_and_count(session, every, since=now - limits.window)
    now = _not_before(now, counted)
    wait = login_wait(
        pair=counted[keys.pair],
        account=counted[keys.account],
        address=counted[keys.address],
        now=now,
        limits=limits,
    )
    if wait:
        return LoginCount(wait)
    failures = [LoginFailure(key=key, at=now) for key in every]
    session.add_all(failures)
    session.flush()
    return LoginCount(0, tuple(f.id for f in failures if f.id is not None))


def forgive_login(session: Session, keys: LoginKeys, ids: Sequence[int]) -> None:
    """Forget a login attempt whose password was right.

    The attempt and its address's earlier failures on the account (the owner's
    typos) no longer count.

    Other addresses' failures on the account stay until they expire, or an
    attacker could have them cleared by waiting for the owner to log in.

    Args:
        session: The database session (committed by the caller).
        keys: The attempt's keys.
        ids: The failures the attempt added.
    """
    session.exec(
        delete(LoginFailure).where(
            col(LoginFailure.id).in_(ids) | (col(LoginFailure.key) == keys.pair)
        )
    )


def forget_old(session: Session, *, now: float, older_than: float) -> int:
    """Delete counted attempts no window looks back to any more.

    Args:
        session: The database session.
        now: The current time.
        older_than: The longest window of any limit, in seconds.

    Returns:
        How many were deleted.
    """
    old = delete(LoginFailure).where(col(LoginFailure.at) < now - older_than)
    return session.exec(old).rowcount  # pyright: ignore[reportAttributeAccessIssue]
