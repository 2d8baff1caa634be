"""Which web origins may call the API and open the socket (CHAT_ALLOWED_ORIGINS),
and that Reflex's configuration takes them from the settings."""

import json
import subprocess
import sys

from chat_app.settings import Settings
from harness.servers import ROOT, venv_env


def test_unset_means_any_origin_in_development_and_none_other_in_production(
    monkeypatch,
):
    monkeypatch.delenv("CHAT_ALLOWED_ORIGINS", raising=False)
    monkeypatch.delenv("REFLEX_CORS_ALLOWED_ORIGINS", raising=False)
    assert Settings(env="development").cors_allowed_origins() == ["*"]
    assert Settings(env="production").cors_allowed_origins() == []


def test_origins_come_comma_separated_from_either_variable(monkeypatch):
    monkeypatch.setenv(
        "CHAT_ALLOWED_ORIGINS", " https://a.example/, https://b.example "
    )
    assert Settings(env="production").cors_allowed_origins() == [
        "https://a.example",
        "https://b.example",
    ]
    monkeypatch.delenv("CHAT_ALLOWED_ORIGINS")
    monkeypatch.setenv("REFLEX_CORS_ALLOWED_ORIGINS", "https://c.example")
    assert Settings().cors_allowed_origins() == ["https://c.example"]


def reflex_origins(**env: str) -> object:
    """What ``rxconfig`` gives Reflex, in a fresh interpreter with ``env``."""
    script = (
        "import json, rxconfig; "
        "print(json.dumps(list(rxconfig.config.cors_allowed_origins)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=venv_env(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_reflex_is_configured_from_the_settings(tmp_path):
    data = str(tmp_path / "data")
    assert reflex_origins(
        CHAT_ENV="production",
        CHAT_ALLOWED_ORIGINS="https://chat.example",
        CHAT_DATA_DIR=data,
    ) == ["https://chat.example"]
    assert reflex_origins(CHAT_ENV="production", CHAT_DATA_DIR=data) == []
    assert reflex_origins(CHAT_DATA_DIR=data) == ["*"]
    # Reading the settings made nothing: no secret, no database, no folder.
    assert not (tmp_path / "data").exists()
