"""What the start command checks before it touches anything.

``python -m chat_app.preflight`` (serving) or ``python -m chat_app.preflight
migrate`` runs first in ``deploy/start.sh``. It exits with 1 and says why when:

- production has no strong ``CHAT_JWT_SECRET``: checked before anything is
  written, so a refused start leaves no database behind;
- a folder the chat writes (the SQLite database's, the uploads') is not writable
  by the user it runs as: named with that uid, rather than surfacing later as
  SQLite's "unable to open database file".
"""

import os
import sys
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from chat_app.settings import ConfigurationError, Settings, get_settings


def secret_problem(settings: Settings) -> str | None:
    """Why the session secret is refused, or None; writes nothing.

    Development without a secret generates one when the app starts, so only a
    given secret, or production's, is checked here.

    Args:
        settings: The settings.

    Returns:
        The reason, or None.
    """
    if settings.env != "production" and settings.jwt_secret is None:
        return None
    try:
        settings.signing_secret()
    except ConfigurationError as error:
        return str(error)
    return None


def sqlite_folder(url: str) -> Path | None:
    """The folder of a SQLite database file, or None for any other database.

    Args:
        url: A SQLAlchemy database URL.

    Returns:
        The folder, or None.
    """
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).parent


def folder_problem(folder: Path, holds: str) -> str | None:
    """Why this process cannot write in a folder (made if missing), or None.

    Args:
        folder: The folder.
        holds: What the chat keeps there, for the message.

    Returns:
        The reason, naming the folder and the uid that must be able to write it.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        uid = os.getuid()
        return (
            f"{folder} ({holds}) is not writable by uid {uid}, the user the chat "
            f"runs as: {error.strerror}. Give the folder (on the host, or the "
            f"volume mounted there) to that uid, e.g. `chown -R {uid}:{uid} "
            f"<folder>`, or mount a named volume, which takes the image's owner."
        )
    return None


def problems(serving: bool) -> list[str]:
    """Everything that stops a start, the secret first.

    Args:
        serving: Serving (the uploads folder and the secret matter too), not only
            migrating.

    Returns:
        One message per problem; none when the start may go on.
    """
    settings = get_settings()
    if serving and (reason := secret_problem(settings)):
        return [reason]
    folders: list[tuple[Path, str]] = []
    database = sqlite_folder(settings.database_address())
    if database is not None:
        folders.append((database, "the SQLite database"))
    if serving:
        folders.append((settings.upload_dir, "the uploads"))
    found = [folder_problem(folder, holds) for folder, holds in folders]
    return [reason for reason in found if reason]


def main(argv: list[str]) -> int:
    """Print every problem to stderr.

    Args:
        argv: The arguments: empty to serve, ``["migrate"]`` to migrate only.

    Returns:
        The exit status: 0 when the start may go on, 1 otherwise.
    """
    found = problems(serving=argv[:1] != ["migrate"])
    for reason in found:
        print(f"The chat cannot start: {reason}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
