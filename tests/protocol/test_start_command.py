"""The container's start command, run outside a container (no engine on CI)."""

import secrets
import shutil
import subprocess
from pathlib import Path

import httpx

from harness.servers import (
    ARTIFACTS,
    ROOT,
    Process,
    free_port,
    venv_env,
    wait_until,
)


def start_env(name: str, **extra: str) -> dict[str, str]:
    data = ARTIFACTS / f"start-{name}"
    return venv_env(
        {
            "CHAT_ENV": "production",
            "CHAT_DATA_DIR": str(data),
            "CHAT_DATABASE_URL": f"sqlite:///{data}/chat.db",
            "CHAT_UPLOAD_DIR": str(data / "uploads"),
            "REFLEX_WEB_WORKDIR": str(ROOT / ".web-test" / f"start-{name}"),
            **extra,
        }
    )


def refusal(env: dict[str, str]) -> str:
    """Run the start command, which must exit with an error; what it printed.

    Args:
        env: Its environment.

    Returns:
        Its output.
    """
    env["PORT"] = str(free_port())
    result = subprocess.run(
        ["deploy/start.sh"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    return result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret():
    env = start_env("nosecret")
    env.pop("CHAT_JWT_SECRET", None)
    assert "CHAT_JWT_SECRET" in refusal(env)


def test_production_refuses_a_placeholder_secret():
    """Before the migrations: a refused start leaves no database behind."""
    env = start_env("weak", CHAT_JWT_SECRET="change-me" * 4)
    data = Path(env["CHAT_DATA_DIR"])
    shutil.rmtree(data, ignore_errors=True)
    assert "placeholder" in refusal(env)
    assert not data.exists()


def test_the_start_command_migrates_and_serves_a_healthy_app():
    """The secret comes from a file, as Docker and compose secrets mount it."""
    port = free_port()
    secrets_dir = ARTIFACTS / "start-secrets"
    secrets_dir.mkdir(parents=True, exist_ok=True)
    (secrets_dir / "chat_jwt_secret").write_text(secrets.token_hex(32) + "\n")
    env = start_env("ok", CHAT_SECRETS_DIR=str(secrets_dir), PORT=str(port))
    env.pop("CHAT_JWT_SECRET", None)
    process = Process(
        name="start-command",
        args=["deploy/start.sh"],
        env=env,
        cwd=ROOT,
        log_path=ARTIFACTS / "start-command.log",
    )
    process.start()
    try:

        def healthy() -> bool:
            process.check_alive()
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
            except httpx.HTTPError:
                return False
            return response.status_code == 200

        wait_until(healthy, 600, "the app started by deploy/start.sh", interval=0.5)
        assert (
            httpx.get(f"http://127.0.0.1:{port}/api/health").json()["database"] == "ok"
        )
    finally:
        process.stop()
