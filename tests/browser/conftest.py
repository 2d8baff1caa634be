"""Browser tests: Debian's Chromium driven by Playwright, one context per user.

Every scenario runs twice: against one server process, and against three backend
workers sharing state through a real Redis (Debian's redis-server), with
consecutive users on different workers, and PostgreSQL as the database: the
deployment of compose.yaml, on one machine.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, Page, expect

from harness.postgres import start_postgres
from harness.servers import (
    ChatServer,
    chat_environment,
    migrate,
    start_chat,
    start_redis,
)
from tests.support.accounts import Account, create_account
from tests.support.chromium import chromium

expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def single_process() -> Iterator[list[ChatServer]]:
    server = start_chat("browser-single")
    yield [server]
    server.process.stop()


@pytest.fixture(scope="session")
def redis_processes() -> Iterator[list[ChatServer]]:
    redis, redis_url = start_redis("browser-redis")
    postgres = start_postgres("browser-postgres")
    env = chat_environment(
        "browser-redis",
        {
            "REFLEX_REDIS_URL": redis_url,
            "GRANIAN_WORKERS": "1",
            "CHAT_DATABASE_URL": postgres.create_database("chat"),
        },
    )
    migrate(env)
    servers: list[ChatServer] = []
    try:
        # Three single-worker processes on their own ports, so that the test
        # decides which worker each user talks to.
        for name in ("browser-redis-a", "browser-redis-b", "browser-redis-c"):
            servers.append(start_chat(name, env=env))
        yield servers
    finally:
        for server in servers:
            server.process.stop()
        redis.stop()
        postgres.stop()


@pytest.fixture(params=["single", "redis"])
def deployment(request) -> list[ChatServer]:
    """The servers of one deployment; users are spread over them in turn."""
    fixture = "single_process" if request.param == "single" else "redis_processes"
    return request.getfixturevalue(fixture)


@dataclass
class User:
    """A person at a browser: an account, a page and the JavaScript errors it raised."""

    account: Account
    page: Page
    server: ChatServer
    page_errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The username."""
        return self.account.username

    def url(self, path: str = "/") -> str:
        """An address on this user's server."""
        return self.server.url.rstrip("/") + path

    def open(self, path: str = "/login") -> "User":
        """Load a page and wait until it is connected and hydrated."""
        self.page.goto(self.url(path))
        expect(self.page.locator("#app[data-hydrated='true']")).to_have_count(1)
        return self

    def enter(self, room: str = "Sala 1") -> "User":
        """Log in (the token put where the login page puts it) and open a room.

        Sala 1 opens at ``/`` (the first room, for a user in none); another
        room at its address (``/`` would open the room the user's other tabs,
        or a tab closed a moment ago, are still in).
        """
        self.open("/login")
        self.page.evaluate(
            f"localStorage.setItem('chat_session', {json.dumps(self.account.token)})"
        )
        slug = room.lower().replace(" ", "-")
        self.page.goto(self.url("/" if room == "Sala 1" else f"/rooms/{slug}"))
        self.wait_in_room(room)
        return self

    def wait_in_room(self, room: str = "Sala 1") -> None:
        """Wait until the chat shows a room with this user in it."""
        expect(self.page.locator("#composer-input")).to_be_visible()
        expect(self.page.locator("#room-title")).to_have_text(room)
        expect(self.page.locator(f"#user-{self.name}")).to_have_count(1)

    def send(self, text: str) -> None:
        """Type a message and press Enviar."""
        self.page.fill("#composer-input", text)
        self.page.click("#send-button")
        expect(self.page.locator("#composer-input")).to_have_value("")

    def messages(self):
        """The message bubbles on screen."""
        return self.page.locator("#message-list .message")


@pytest.fixture
def people(browser: Browser, deployment: list[ChatServer]) -> Iterator[Callable]:
    """Make users, each in its own browser context, spread over the deployment.

    After the test, any JavaScript error on a page or any ERROR in a server log
    fails it.
    """
    users: list[User] = []
    for server in deployment:
        server.process.mark_log()

    def make(prefix: str, account: Account | None = None, **context_options) -> User:
        # The brief's readers are Brazilian: pt-BR unless a test asks otherwise.
        context_options.setdefault("locale", "pt-BR")
        context = browser.new_context(**context_options)
        page = context.new_page()
        server = deployment[len(users) % len(deployment)]
        user = User(
            account=account or create_account(server.url, prefix),
            page=page,
            server=server,
        )
        page.on("pageerror", lambda error: user.page_errors.append(str(error)))
        users.append(user)
        return user

    yield make

    errors = [f"{user.name}: {error}" for user in users for error in user.page_errors]
    for user in users:
        if user.page.is_closed():
            continue
        user.page.keyboard.press("Escape")  # a dialog a failed test left open
        if user.page.locator("#leave-button").is_visible():
            user.page.click("#leave-button")
            expect(user.page.locator("#join-button")).to_be_visible()
        user.page.context.close()
    bad_lines = [
        line for server in deployment for line in server.process.new_bad_lines()
    ]
    assert not errors, "JavaScript errors:\n" + "\n".join(errors)
    assert not bad_lines, "Backend errors:\n" + "\n".join(bad_lines)
