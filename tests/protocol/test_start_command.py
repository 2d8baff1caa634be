"""The container's start command, run outside a container (no engine on CI)."""

import subprocess

import httpx

from tests.support.servers import (
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


def test_production_refuses_to_start_without_a_secret():
    env = start_env("nosecret")
    env.pop("CHAT_JWT_SECRET", None)
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
    assert "CHAT_JWT_SECRET" in result.stdout + result.stderr


def test_the_start_command_migrates_and_serves_a_healthy_app():
    port = free_port()
    process = Process(
        name="start-command",
        args=["deploy/start.sh"],
        env=start_env("ok", CHAT_JWT_SECRET="s" * 40, PORT=str(port)),
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
