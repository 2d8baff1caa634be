import pytest
from pydantic import ValidationError

from chat_app.settings import ConfigurationError, Settings


def test_defaults_give_three_rooms_with_sala_1_first(monkeypatch):
    monkeypatch.delenv("CHAT_ROOMS", raising=False)
    rooms = Settings().room_list()
    assert [room.name for room in rooms] == ["Sala 1", "Sala 2", "Sala 3"]


def test_rooms_come_from_a_comma_separated_variable(monkeypatch):
    monkeypatch.setenv("CHAT_ROOMS", "Geral, Dev ,Random")
    assert [room.slug for room in Settings().room_list()] == ["geral", "dev", "random"]


def test_limits_are_validated(monkeypatch):
    monkeypatch.setenv("CHAT_MAX_MESSAGE_LENGTH", "0")
    with pytest.raises(ValidationError):
        Settings()


def test_production_refuses_a_missing_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("CHAT_JWT_SECRET", raising=False)
    settings = Settings(env="production", data_dir=tmp_path)
    with pytest.raises(ConfigurationError, match="CHAT_JWT_SECRET is not set"):
        settings.signing_secret()


def test_a_short_secret_is_refused(monkeypatch):
    monkeypatch.setenv("CHAT_JWT_SECRET", "too-short")
    with pytest.raises(ConfigurationError, match="at least 32"):
        Settings(env="production").signing_secret()


def test_development_generates_and_keeps_a_private_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("CHAT_JWT_SECRET", raising=False)
    first = Settings(data_dir=tmp_path).signing_secret()
    assert len(first) >= 32
    assert Settings(data_dir=tmp_path).signing_secret() == first
    assert (tmp_path / "jwt-secret").stat().st_mode & 0o077 == 0
