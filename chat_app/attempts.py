"""Counted attempts: failed logins and registrations, under keys, taking turns.

Each counted attempt is a ``LoginFailure`` row under a key: a login under its
account, its address and the pair of both; a registration under its address; a
profile picture upload under its account.
Attempts on one key take turns (``db.take_turn``: an advisory lock on PostgreSQL,
the write lock on SQLite), so parallel attempts are counted one after another,
across every backend process. The rules that turn the counts into a wait are in
``domain.limits``.

The same table holds what those rules remember of an account, under keys its
attempts already take turns on (the account's): the addresses where it logged
in lately (``known:``, ``at`` being when that stops counting), and the turns
given to addresses to try it while it is guessed at (``turn:`` for the address,
``turns:`` for the account; ``at`` is when the turn comes). Rows, not a table of
their own: no migration, and the upkeep that forgets old attempts forgets them
too once their time has passed.
"""

import hashlib
import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import Session, col, select

from chat_app.db import take_turn
from chat_app.domain.limits import LoginLimits, login_wait, seconds_to_wait
from chat_app.models import LoginFailure
from chat_app.settings import Settings

# Longer client addresses are hashed, so that every key fits its column (300).
MAX_ADDRESS_IN_KEY = 100
# The window of the limit on profile pictures (``avatar_uploads_per_hour``).
AVATAR_WINDOW_SECONDS = 3600


def _digest(text: str, *, key: bytes = b"") -> str:
    # "surrogatepass": JSON can carry lone surrogates, which UTF-8 refuses.
    data = text.encode(errors="surrogatepass")
    return hashlib.blake2b(data, key=key, digest_size=16).hexdigest()


def _network(client: str) -> str:
    """An IPv4 address, or the /64 network of an IPv6 one (anything else as is).

    One IPv6 client holds a whole /64 (billions of addresses): per address, it
    could try from a fresh one each time.
    """
    try:
        address = ipaddress.ip_address(client.strip("[]").partition("%")[0])
    except ValueError:
        return client
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def address_key(client: str) -> str:
    """The key of a client's address: an IPv4 address, an IPv6 /64 network.

    Args:
        client: The address.

    Returns:
        ``address:`` and the address (its /64 for IPv6), or a hash of one too
        long for the column.
    """
    network = _network(client)
    if len(network) <= MAX_ADDRESS_IN_KEY:
        return f"address:{network}"
    return f"address:#{_digest(network)}"


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


def login_limits(settings: Settings) -> LoginLimits:
    """The login limits the settings hold.

    Args:
        settings: The settings.

    Returns:
        The limits.
    """
    return LoginLimits(
        per_account_and_address=settings.login_max_failures,
        per_address=settings.login_address_max_failures,
        account_free=settings.login_account_free_failures,
        account_first_delay=settings.login_account_first_delay_seconds,
        account_max_delay=settings.login_account_max_delay_seconds,
        window=settings.login_window_seconds,
    )


@dataclass(frozen=True)
class LoginKeys:
    """The keys a login attempt counts under.

    Attributes:
        pair: The account from this address.
        account: The account from every address.
        address: This address, whatever the account.
        known: The account logged in from this address lately.
        turn: The turn on the account given to this address.
        turns: Every turn on the account given and not yet taken.
    """

    pair: str
    account: str
    address: str
    known: str
    turn: str
    turns: str

    @classmethod
    def of(
        cls, user_id: int | None, login: str, client: str, *, secret: bytes
    ) -> "LoginKeys":
        """The keys of a login from a client's address.

        Args:
            user_id: The account's id, or None when the login names none.
            login: The login in its normal form (see :func:`account_key`).
            client: The client's address.
            secret: Keys the hash of an unknown login.

        Returns:
            The keys.
        """
        account = account_key(user_id, login, secret=secret)
        address = address_key(client)
        return cls(
            pair=f"pair:{account}|{address}",
            account=account,
            address=address,
            known=f"known:{account}|{address}",
            turn=f"turn:{account}|{address}",
            turns=f"turns:{account}",
        )


def _times(
    session: Session, keys: Iterable[str], *, since: float
) -> dict[str, list[float]]:
    """The times under each key since then."""
    wanted = sorted(set(keys))
    rows = session.exec(
        select(LoginFailure.key, LoginFailure.at).where(
            col(LoginFailure.key).in_(wanted), LoginFailure.at > since
        )
    ).all()
    return {key: [at for row_key, at in rows if row_key == key] for key in wanted}


def _take_turns_and_count(
    session: Session, keys: Iterable[str], *, since: float
) -> dict[str, list[float]]:
    """Take turns on each key, then read the times counted under them since then.

    The keys are taken in order, so two attempts never wait for each other.
    """
    ordered = sorted(set(keys))
    for key in ordered:
        take_turn(session, key)
    return _times(session, ordered, since=since)


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
    return _count(session, f"register:{address_key(client)}", limit, window, now)


def count_avatar(
    session: Session, user_id: int, *, limit: int, window: float, now: float
) -> int:
    """Count a person's profile picture upload, unless they are past their limit.

    Counted before the upload is read, refused ones too: each costs decoding.

    Args:
        session: The database session (committed by the caller).
        user_id: The verified account's id.
        limit: Uploads allowed...
        window: ...within this many seconds.
        now: The current time.

    Returns:
        0 when counted; otherwise the seconds to wait (nothing counted).
    """
    return _count(session, f"avatar:{user_id}", limit, window, now)


def _count(session: Session, key: str, limit: int, window: float, now: float) -> int:
    """Count an attempt under one key, unless the key is past its limit."""
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
    their bcrypt has finished. An attempt told to wait may be given a turn on
    the account, which is recorded too: the caller commits either way.

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
    held = _times(
        session, (keys.known, keys.turn, keys.turns), since=now - limits.window
    )
    turn = max(held[keys.turn], default=None)
    wait = login_wait(
        pair=counted[keys.pair],
        account=counted[keys.account],
        address=counted[keys.address],
        known=any(until > now for until in held[keys.known]),
        turn=turn,
        turns=held[keys.turns],
        now=now,
        limits=limits,
    )
    if wait.seconds:
        if wait.turn is not None:
            session.add(LoginFailure(key=keys.turn, at=wait.turn))
            session.add(LoginFailure(key=keys.turns, at=wait.turn))
        return LoginCount(wait.seconds)
    if turn is not None:  # taken: from now on it counts as the failure added
        session.exec(
            delete(LoginFailure).where(
                (col(LoginFailure.key) == keys.turn)
                | (
                    (col(LoginFailure.key) == keys.turns)
                    & (col(LoginFailure.at) == turn)
                )
            )
        )
    failures = [LoginFailure(key=key, at=now) for key in every]
    session.add_all(failures)
    session.flush()
    return LoginCount(0, tuple(f.id for f in failures if f.id is not None))


def remember_address(session: Session, keys: LoginKeys, *, until: float) -> None:
    """Remember that the account logged in from this address.

    Until then the address takes no turn on the account while others guess at
    it; only its own limits hold it back.

    Args:
        session: The database session (committed by the caller).
        keys: The keys of the account and the address.
        until: When to stop counting the address as the account's.
    """
    session.exec(delete(LoginFailure).where(col(LoginFailure.key) == keys.known))
    session.add(LoginFailure(key=keys.known, at=until))


def forgive_login(
    session: Session, keys: LoginKeys, ids: Sequence[int], *, known_until: float
) -> None:
    """Forget a login attempt whose password was right; remember its address.

    The attempt and its address's earlier failures on the account (the owner's
    typos) no longer count.

    Other addresses' failures on the account stay until they expire, or an
    attacker could have them cleared by waiting for the owner to log in.

    Args:
        session: The database session (committed by the caller).
        keys: The attempt's keys.
        ids: The failures the attempt added.
        known_until: When to stop counting the address as the account's (see
            :func:`remember_address`).
    """
    session.exec(
        delete(LoginFailure).where(
            col(LoginFailure.id).in_(ids) | (col(LoginFailure.key) == keys.pair)
        )
    )
    remember_address(session, keys, until=known_until)


def forget_old(session: Session, *, now: float, older_than: float) -> int:
    """Delete counted attempts no window looks back to any more.

    Remembered addresses and turns, whose ``at`` is in the future while they
    count, go as long after their time has passed.

    Args:
        session: The database session.
        now: The current time.
        older_than: The longest window of any limit, in seconds.

    Returns:
        How many were deleted.
    """
    old = delete(LoginFailure).where(col(LoginFailure.at) < now - older_than)
    return session.exec(old).rowcount  # pyright: ignore[reportAttributeAccessIssue]
