"""Start the chat and Redis as real processes on free loopback ports.

Each chat server is ``reflex run --env prod --single-port`` with its own web build
folder, so several can run side by side (the frontend bakes its backend port in).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
OUTSIDE_SETTINGS = (
    "REFLEX_REDIS_URL",
    "REFLEX_DB_URL",
    "REFLEX_TRUSTED_PROXY_HOPS",
    "DATABASE_URL",
    "REDIS_URL",
    "REDIS_URL_QUERY",
    "MIGRATE_ON_START",
)
BAD_LOG_LINE = re.compile(r"\bERROR\b|Traceback \(most recent call last\)")


def free_port() -> int:
    """Ask the kernel for a free loopback TCP port.

    Returns:
        The port number.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout: float, what: str, interval: float = 0.1) -> None:
    """Poll a condition until it holds.

    Args:
        predicate: A function returning a truthy value once the condition holds.
        timeout: Seconds to wait before giving up.
        what: What is awaited, for the error message.
        interval: Seconds between polls.

    Raises:
        TimeoutError: If the condition did not hold in time.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError(f"Timed out after {timeout:.0f} s waiting for {what}.")


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


# Every process started and not yet stopped, so a test session can check that it
# left nothing running (see ``tests/conftest.py``).
RUNNING: set["Process"] = set()


@dataclass(eq=False)
class Process:
    """A child process whose output goes to a log file."""

    name: str
    args: list[str]
    env: dict[str, str]
    cwd: Path
    log_path: Path
    popen: subprocess.Popen | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    _log_offset: int = field(default=0)

    def start(self) -> None:
        """Start the process in its own process group (appending to its log)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            self.args,
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        RUNNING.add(self)

    def check_alive(self) -> None:
        """Fail with the log's tail if the process has exited.

        Raises:
            RuntimeError: If the process is not running.
        """
        if self.popen is None or self.popen.poll() is not None:
            raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the log.

        Args:
            lines: How many lines.

        Returns:
            The text.
        """
        text = self.log_path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def mark_log(self) -> None:
        """Remember where the log ends now, for ``new_bad_lines``."""
        self._log_offset = self.log_path.stat().st_size

    def new_log(self) -> str:
        """What was logged since ``mark_log``.

        Returns:
            The text.
        """
        with self.log_path.open("rb") as log:
            log.seek(self._log_offset)
            return log.read().decode(errors="replace")

    def new_bad_lines(self) -> list[str]:
        """Lines logged since ``mark_log`` that report an ERROR or a traceback.

        Returns:
            The offending lines.
        """
        return [
            line for line in self.new_log().splitlines() if BAD_LOG_LINE.search(line)
        ]

    def stop(self) -> None:
        """Stop the whole process group, politely first."""
        RUNNING.discard(self)
        if self.popen is None or self.popen.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.popen.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue


def venv_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for child processes: this venv's bin first, npm for Reflex.

    Args:
        extra: Variables to add or override.

    Returns:
        The environment.
    """
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["REFLEX_USE_NPM"] = "1"
    # The test decides the deployment: nothing leaks in from the caller's shell.
    for name in OUTSIDE_SETTINGS:
        env.pop(name, None)
    for name in [name for name in env if name.startswith("CHAT_")]:
        env.pop(name)
    env.update(extra or {})
    return env


def start_redis(name: str = "redis", port: int | None = None) -> tuple[Process, str]:
    """Start Debian's redis-server on a loopback port, persisting nothing.

    Args:
        name: A name for its log file.
        port: The port (a free one by default; the same one to restart it).

    Returns:
        The process and its URL.

    Raises:
        RuntimeError: If redis-server is not installed.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(
            "redis-server is missing: run `make test`, which installs it."
        )
    port = port or free_port()
    workdir = ARTIFACTS / name
    workdir.mkdir(parents=True, exist_ok=True)
    process = Process(
        name=name,
        args=[
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        env=dict(os.environ),
        cwd=workdir,
        log_path=ARTIFACTS / f"{name}.log",
    )
    process.start()

    def answers() -> bool:
        process.check_alive()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    wait_until(answers, 30, f"redis on port {port}")
    return process, f"redis://127.0.0.1:{port}/0"


@dataclass
class ChatServer:
    """A running chat app."""

    process: Process
    port: int

    @property
    def url(self) -> str:
        """The address a browser opens."""
        return f"http://localhost:{self.port}/"


# The administrators of every test server (``CHAT_ADMINS``).
ADMINS = ("moderadora", "vigia")


def chat_environment(database: str, extra: dict[str, str] | None = None):
    """The chat's settings for a test server: its own database and data folder.

    bcrypt runs at cost 4 instead of 12 to spare the two CPUs; the hashing itself is
    the same code. Every test account registers from loopback, so the limit of
    registrations per address is lifted. :data:`ADMINS` are the administrators
    (tests register them when they need them).

    Args:
        database: Names the SQLite file under ``test-artifacts/``.
        extra: More variables.

    Returns:
        The variables.
    """
    data_dir = ARTIFACTS / f"data-{database}"
    return {
        "CHAT_DATA_DIR": str(data_dir),
        "CHAT_DATABASE_URL": f"sqlite:///{data_dir}/chat.db",
        "CHAT_BCRYPT_ROUNDS": "4",
        "CHAT_REGISTRATION_MAX_PER_ADDRESS": "1000000",
        "CHAT_ADMINS": ",".join(ADMINS),
        **(extra or {}),
    }


def migrate(env: dict[str, str]) -> None:
    """Bring a test database to the latest migration, from scratch.

    Args:
        env: The server's chat settings (from :func:`chat_environment`).
    """
    data_dir = Path(env["CHAT_DATA_DIR"])
    shutil.rmtree(data_dir, ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "chat_app.db"],
        cwd=ROOT,
        env=venv_env(env),
        check=True,
    )


def start_chat(
    name: str,
    env: dict[str, str] | None = None,
    timeout: float = 600,
) -> ChatServer:
    """Build and start the chat in production mode on a free port.

    Args:
        name: Names the log file and the web build folder.
        env: Extra environment (e.g. ``REFLEX_REDIS_URL``, ``GRANIAN_WORKERS``);
            by default a fresh database of the server's own.
        timeout: Seconds allowed for building and starting.

    Returns:
        The running server.
    """
    if env is None or "CHAT_DATABASE_URL" not in env:
        env = chat_environment(name, env)
        migrate(env)
    return _launch(name, env, free_port(), timeout)


def restart_chat(server: ChatServer, timeout: float = 600) -> ChatServer:
    """Stop a chat server and start it again on the same port and database.

    Args:
        server: The running server.
        timeout: Seconds allowed for building and starting.

    Returns:
        The new server.
    """
    server.process.stop()
    return _launch(server.process.name, server.process.extra_env, server.port, timeout)


def _launch(name: str, env: dict[str, str], port: int, timeout: float) -> ChatServer:
    """Build and start ``reflex run`` on a port and wait until it answers."""
    process = Process(
        name=name,
        args=[
            sys.executable,
            "-m",
            "reflex",
            "run",
            "--env",
            "prod",
            "--single-port",
            "--backend-port",
            str(port),
            "--loglevel",
            "info",
        ],
        env=venv_env(
            {
                "REFLEX_WEB_WORKDIR": str(ROOT / ".web-test" / name),
                "REFLEX_STATES_WORKDIR": str(ARTIFACTS / f"states-{name}"),
                **(env or {}),
            }
        ),
        cwd=ROOT,
        log_path=ARTIFACTS / f"{name}.log",
        extra_env=env,
    )
    process.start()

    def ready() -> bool:
        process.check_alive()
        return _http_ok(f"http://127.0.0.1:{port}/ping") and _http_ok(
            f"http://127.0.0.1:{port}/"
        )

    wait_until(ready, timeout, f"the chat server {name} on port {port}", interval=0.5)
    return ChatServer(process=process, port=port)
