"""The image as an operator runs it, smoke-tested with podman (or Docker).

``make test-container`` builds the image first (``scripts/build-image.sh``) and
names it in ``CHAT_TEST_IMAGE``; ``CONTAINER_ENGINE`` picks the engine. These
tests run in their own pytest process: Playwright's sync API keeps an event loop.

Every container, volume and folder a test starts or makes is removed when it
ends, passed or failed (``Lab.close`` in a ``finally``).
"""

import json
import os
import secrets
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser

from harness.servers import ARTIFACTS, BAD_LOG_LINE, free_port, wait_until
from tests.support.chromium import chromium

ENGINE = os.environ.get("CONTAINER_ENGINE", "podman")
IMAGE = os.environ.get("CHAT_TEST_IMAGE", "localhost/chat-app:test")
UID = 10001
# What the issue asks of a fresh container, online or not.
START_SECONDS = 15.0
RUN = f"chat-test-{os.getpid()}"
# Seconds from ``run`` to healthy of every container, shown after the tests.
START_TIMES: list[tuple[str, float]] = []


def pytest_terminal_summary(terminalreporter) -> None:
    """Show how long each container took to become healthy (the margin)."""
    if START_TIMES:
        times = ", ".join(f"{seconds:.1f} s {how}" for how, seconds in START_TIMES)
        terminalreporter.write_line(f"Containers healthy after: {times}")


def engine(
    *args: str, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the container engine's command line.

    Args:
        *args: Its arguments.
        check: Fail on a non-zero exit, showing what it printed.
        timeout: Seconds before giving up.

    Returns:
        The finished command.
    """
    result = subprocess.run(
        [ENGINE, *args], capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{ENGINE} {' '.join(args)} exited with {result.returncode}:\n"
            f"{result.stdout}{result.stderr}"
        )
    return result


@dataclass
class Container:
    """A container of the image, running detached."""

    name: str
    port: int
    published: bool
    started: float = field(default_factory=time.monotonic)

    @property
    def url(self) -> str:
        """Its address on the host (only when its port is published)."""
        assert self.published, f"{self.name} has no published port"
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        """Everything it printed."""
        result = engine("logs", self.name, check=False)
        return result.stdout + result.stderr

    def bad_lines(self) -> list[str]:
        """Its log lines at ERROR level, and tracebacks."""
        return [line for line in self.logs().splitlines() if BAD_LOG_LINE.search(line)]

    def running(self) -> bool:
        """Whether its process is still running."""
        state = engine("inspect", "--format", "{{.State.Running}}", self.name)
        return state.stdout.strip() == "true"

    def health_check(self) -> bool:
        """Run the image's own HEALTHCHECK once; whether it passed."""
        if ENGINE == "podman":
            return engine("healthcheck", "run", self.name, check=False).returncode == 0
        # Docker has no "run it now": run the configured command in the container.
        test = engine(
            "inspect", "--format", "{{json .Config.Healthcheck.Test}}", self.name
        )
        command = json.loads(test.stdout)
        assert command[0] == "CMD", command
        return engine("exec", self.name, *command[1:], check=False).returncode == 0

    def exec(self, *command: str) -> str:
        """Run a command in it as its user; what it printed."""
        return engine("exec", self.name, *command).stdout

    def wait_healthy(self, timeout: float = 120) -> float:
        """Wait until it answers its health check.

        Published containers are polled over HTTP from the host (cheap), others
        with the image's health check.

        Args:
            timeout: Seconds to wait at most.

        Returns:
            Seconds from ``run`` until healthy.
        """

        def answered() -> bool:
            if self._answers():
                return True
            if not self.running():
                raise AssertionError(f"{self.name} exited:\n{self.logs()}")
            return False

        left = self.started + timeout - time.monotonic()
        try:
            wait_until(answered, left, f"{self.name} to be healthy", interval=0.2)
        except TimeoutError as error:
            raise AssertionError(f"{error}\n{self.logs()}") from error
        seconds = time.monotonic() - self.started
        START_TIMES.append(("online" if self.published else "offline", seconds))
        return seconds

    def _answers(self) -> bool:
        if not self.published:
            return self.health_check()
        try:
            response = httpx.get(self.url + "/api/health", timeout=2)
        except httpx.HTTPError:
            return False
        return response.status_code == 200


class Lab:
    """Starts containers, volumes and folders, and removes them all at the end."""

    def __init__(self, name: str) -> None:
        """Prepare a place for one test's (or module's) things.

        Args:
            name: Part of every name it gives, for telling runs apart.
        """
        self.prefix = f"{RUN}-{name}"
        self.folder = ARTIFACTS / self.prefix
        self.folder.mkdir(parents=True, exist_ok=True)
        self.containers: list[str] = []
        self.volumes: list[str] = []
        self.secret_file = self.folder / "chat_jwt_secret"
        self.secret_file.write_text(secrets.token_hex(32))
        self.secret_file.chmod(0o644)  # the app runs as uid 10001

    def _name(self, kind: str) -> str:
        return f"{self.prefix}-{kind}-{uuid.uuid4().hex[:6]}"

    def volume(self) -> str:
        """A new named volume."""
        name = self._name("volume")
        self.volumes.append(name)
        engine("volume", "create", name)
        return name

    def host_folder(self, owner: int | None = UID) -> Path:
        """A new folder on the host to bind-mount, owned by ``owner``."""
        folder = self.folder / uuid.uuid4().hex[:6]
        folder.mkdir()
        if owner is not None:
            os.chown(folder, owner, owner)
        return folder

    def options(
        self,
        name: str,
        data: str | Path,
        uploads: str | Path,
        env: dict[str, str] | None = None,
        secret: bool = True,
    ) -> list[str]:
        """The options of ``run`` shared by every container of these tests."""
        self.containers.append(name)
        options = ["--name", name, "-v", f"{data}:/data", "-v", f"{uploads}:/uploads"]
        if secret:
            mount = f"{self.secret_file}:/run/secrets/chat_jwt_secret:ro"
            options += ["-v", mount]
        for key, value in (env or {}).items():
            options += ["-e", f"{key}={value}"]
        return options

    def start(
        self,
        data: str | Path,
        uploads: str | Path,
        network: str | None = None,
        env: dict[str, str] | None = None,
    ) -> Container:
        """Run a container of the image, detached, with the secret as a file.

        Args:
            data: The volume or host folder mounted at /data.
            uploads: The volume or host folder mounted at /uploads.
            network: ``none`` for no network; else the port is published on
                127.0.0.1, the same number inside (``PORT``) as outside.
            env: More environment variables.

        Returns:
            The container, just started.
        """
        name = self._name("chat")
        published = network is None
        port = free_port() if published else 8000
        options = self.options(name, data, uploads, {"PORT": str(port), **(env or {})})
        if published:
            options += ["-p", f"127.0.0.1:{port}:{port}"]
        else:
            options += [f"--network={network}"]
        container = Container(name=name, port=port, published=published)
        engine("run", "-d", *options, IMAGE)
        return container

    def run_to_exit(
        self, data: str | Path, uploads: str | Path, env: dict[str, str]
    ) -> subprocess.CompletedProcess[str]:
        """Run a container of the image in the foreground (no secret file).

        Returns:
            The finished ``run``: its exit status and everything it printed.
        """
        options = self.options(self._name("once"), data, uploads, env, secret=False)
        return engine("run", "--network=none", *options, IMAGE, check=False)

    def remove(self, name: str) -> None:
        """Stop and remove a container (and any anonymous volume of it)."""
        engine("rm", "--force", "--volumes", name, check=False, timeout=60)

    def close(self) -> None:
        """Remove every container, volume and folder made here."""
        for name in self.containers:
            self.remove(name)
        for volume in self.volumes:
            engine("volume", "rm", "--force", volume, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def image() -> str:
    """The image under test, which must have been built."""
    found = engine("image", "inspect", IMAGE, check=False)
    assert found.returncode == 0, f"{IMAGE} is missing: run `make test-container`."
    return IMAGE


@pytest.fixture
def lab(request: pytest.FixtureRequest) -> Iterator[Lab]:
    """A test's own containers, volumes and folders, removed after it."""
    place = Lab(request.node.name[:24].replace("_", "-").strip("-"))
    try:
        yield place
    finally:
        place.close()


@dataclass
class Deployment:
    """One container of the image on two named volumes, as the README runs it."""

    lab: Lab
    data: str
    uploads: str
    container: Container
    # Seconds from ``run`` to healthy, for each container started so far.
    start_seconds: list[float] = field(default_factory=list)
    # Error lines of containers already removed.
    old_bad_lines: list[str] = field(default_factory=list)

    def start(self) -> Container:
        """Start a container on the volumes and wait until it is healthy."""
        self.container = self.lab.start(self.data, self.uploads)
        self.start_seconds.append(self.container.wait_healthy())
        return self.container

    def recreate(self) -> Container:
        """Stop and remove the container; start a new one on the same volumes.

        The old one must stop cleanly (exit status 0) on the engine's SIGTERM.
        """
        old = self.container.name
        engine("stop", old)
        status = engine("inspect", "--format", "{{.State.ExitCode}}", old)
        assert status.stdout.strip() == "0", self.container.logs()
        self.old_bad_lines += self.container.bad_lines()
        self.lab.remove(old)
        return self.start()

    def bad_lines(self) -> list[str]:
        """Error lines of every container so far."""
        return self.old_bad_lines + self.container.bad_lines()


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    """A running container shared by a module's tests, removed after them."""
    place = Lab("chat")
    try:
        data, uploads = place.volume(), place.volume()
        started = Deployment(place, data, uploads, place.start(data, uploads))
        started.start_seconds.append(started.container.wait_healthy())
        yield started
    finally:
        place.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, as the browser tests launch it."""
    with chromium() as launched:
        yield launched
