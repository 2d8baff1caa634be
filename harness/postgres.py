"""Start Debian's PostgreSQL server on a loopback port, in a temporary data folder.

The cluster belongs to the test run: it is created by ``initdb`` with a password
for its superuser (so the tests connect the way the app does in production,
password included), listens on 127.0.0.1 only, keeps its socket in its own folder,
and is deleted when the run ends.
"""

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from harness.servers import ARTIFACTS, Process, free_port, wait_until

SUPERUSER = "chat"
PASSWORD = "test-only-password"


def _binaries() -> Path:
    """The folder of the newest installed PostgreSQL server's programs."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    if not found:
        raise RuntimeError(
            "PostgreSQL is missing: run `make test`, which installs Debian's "
            "postgresql package."
        )
    return Path(found[-1]).parent


def _as_owner(args: list[str]) -> list[str]:
    """Run a server program as the ``postgres`` account when we are root.

    PostgreSQL refuses to run as root; the Debian package creates that account.
    """
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", "postgres", "--", *args]


@dataclass
class PostgresServer:
    """A running PostgreSQL cluster for the tests."""

    process: Process
    port: int
    folder: Path

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of one database, with the superuser's password.

        Args:
            database: The database name.

        Returns:
            The URL.
        """
        return (
            f"postgresql+psycopg://{SUPERUSER}:{PASSWORD}@127.0.0.1:{self.port}"
            f"/{database}"
        )

    def execute(self, statement: sql.SQL | sql.Composed) -> None:
        """Run one statement outside a transaction (e.g. CREATE DATABASE).

        Args:
            statement: The statement.
        """
        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=SUPERUSER,
            password=PASSWORD,
            dbname="postgres",
            autocommit=True,
        ) as connection:
            connection.execute(statement)

    def create_database(self, name: str) -> str:
        """Create an empty database.

        Args:
            name: Its name.

        Returns:
            Its URL.
        """
        self.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing whatever is still connected to it.

        Args:
            name: Its name.
        """
        self.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )

    def halt(self) -> None:
        """Stop the server (a fast shutdown), keeping its data for ``resume``."""
        popen = self.process.popen
        if popen is not None and popen.poll() is None:
            os.killpg(popen.pid, signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                popen.wait(15)
        self.process.stop()  # forgets it, and kills it if it did not stop

    def resume(self) -> None:
        """Start the halted server again on the same port and data."""
        self.process.start()
        self.wait_ready()

    def wait_ready(self) -> None:
        """Wait until the server answers queries."""

        def answers() -> bool:
            self.process.check_alive()
            try:
                self.execute(sql.SQL("SELECT 1"))
            except psycopg.OperationalError:
                return False
            return True

        wait_until(answers, 60, f"PostgreSQL on port {self.port}", interval=0.2)

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        self.halt()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_postgres(name: str = "postgres") -> PostgresServer:
    """Create a cluster in a temporary folder and start its server.

    Args:
        name: Names the log file under ``test-artifacts/``.

    Returns:
        The running server.
    """
    binaries = _binaries()
    folder = Path(tempfile.mkdtemp(prefix="chat-pg-"))
    data = folder / "data"
    password_file = folder / "password"
    password_file.write_text(PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        shutil.chown(password_file, "postgres", "postgres")
    subprocess.run(
        _as_owner(
            [
                str(binaries / "initdb"),
                "--pgdata",
                str(data),
                "--username",
                SUPERUSER,
                "--pwfile",
                str(password_file),
                "--auth-local",
                "trust",
                "--auth-host",
                "scram-sha-256",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
            ]
        ),
        check=True,
        capture_output=True,
    )
    port = free_port()
    process = Process(
        name=name,
        args=_as_owner(
            [
                str(binaries / "postgres"),
                "-D",
                str(data),
                "-p",
                str(port),
                "-k",
                str(folder),
                "-c",
                "listen_addresses=127.0.0.1",
                # A throwaway cluster: durability buys nothing here.
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ]
        ),
        env=dict(os.environ),
        cwd=folder,
        log_path=ARTIFACTS / f"{name}.log",
    )
    process.start()
    server = PostgresServer(process=process, port=port, folder=folder)
    server.wait_ready()
    return server
