"""Create accounts through the real HTTP API."""

import uuid
from dataclasses import dataclass

import httpx

from harness.servers import ADMINS


@dataclass(frozen=True)
class Account:
    """A registered account and a session token for it."""

    name: str
    username: str
    email: str
    password: str
    token: str


def create_account(
    base_url: str,
    prefix: str = "user",
    language: str = "pt-BR",
    username: str | None = None,
) -> Account:
    """Register a fresh account and log it in.

    Args:
        base_url: The chat's address.
        prefix: The start of the username; a random suffix keeps it unique.
        language: The language the account chooses (``pt-BR`` or ``en``).
        username: The exact username (on a server of its own); by default the
            prefix and a random suffix.

    Returns:
        The account with a session token.
    """
    username = username or f"{prefix}-{uuid.uuid4().hex[:6]}"
    password = f"pw-{uuid.uuid4().hex}"
    fields = {
        "name": f"{prefix.title()} Tester",
        "username": username,
        "email": f"{username}@example.com",
        "password": password,
        "language": language,
    }
    base = base_url.rstrip("/")
    with httpx.Client(base_url=base, timeout=30) as client:
        client.post("/api/auth/register", json=fields).raise_for_status()
        response = client.post(
            "/api/auth/login", json={"login": username, "password": password}
        )
        response.raise_for_status()
        token = response.json()["access_token"]
    return Account(
        name=fields["name"],
        username=username,
        email=fields["email"],
        password=password,
        token=token,
    )


def admin_account(
    base_url: str, username: str = ADMINS[0], language: str = "pt-BR"
) -> Account:
    """One of the test servers' administrators, registered on first use.

    Its password is fixed, so any test logs it in again (a new session each
    time).

    Args:
        base_url: The chat's address.
        username: One of ``harness.servers.ADMINS``.
        language: The language the account chooses when it registers.

    Returns:
        The account with a fresh session token.
    """
    password = f"admin-password-{username}"
    fields = {
        "name": username.title(),
        "username": username,
        "email": f"{username}@example.com",
        "password": password,
        "language": language,
    }
    with httpx.Client(base_url=base_url.rstrip("/"), timeout=30) as client:
        registered = client.post("/api/auth/register", json=fields)
        if registered.status_code != 409:  # taken: registered by an earlier test
            registered.raise_for_status()
        response = client.post(
            "/api/auth/login", json={"login": username, "password": password}
        )
        response.raise_for_status()
        token = response.json()["access_token"]
    return Account(
        name=fields["name"],
        username=username,
        email=fields["email"],
        password=password,
        token=token,
    )
