import secrets

import pytest
from pydantic import ValidationError

from chat_app.settings import ConfigurationError, Settings, get_settings


def test_defaults_give_three_rooms_with_sala_1_first(monkeypatch):
    monkeypatch.delenv("CHAT_ROOMS", raising=False)
    rooms = Settings().room_list()
    assert [room.name for room in rooms] == ["Sala 1", "Sala 2", "Sala 3"]


def test_rooms_come_from_a_comma_separated_variable(monkeypatch):
    monkeypatch.setenv("CHAT_ROOMS", "Geral, Dev ,Random")
    assert [room.slug for room in Settings().room_list()] == ["geral", "dev", "random"]


def test_administrators_come_from_a_comma_separated_variable(monkeypatch):
    monkeypatch.delenv("CHAT_ADMINS", raising=False)
    assert Settings().admins == []
    monkeypatch.setenv("CHAT_ADMINS", " Ana, bia ,,")
    assert Settings().admins == ["Ana", "bia"]


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


def test_production_refuses_a_placeholder_secret(monkeypatch):
    monkeypatch.setenv("CHAT_JWT_SECRET", "change-me-" * 4)
    with pytest.raises(ConfigurationError, match="placeholder"):
        Settings(env="production").signing_secret()
    monkeypatch.setenv("CHAT_JWT_SECRET", secrets.token_hex(32))
    assert len(Settings(env="production").signing_secret()) == 64


def test_secrets_come_from_files_and_the_environment_wins(monkeypatch, tmp_path):
    monkeypatch.delenv("CHAT_JWT_SECRET", raising=False)
    monkeypatch.setenv("CHAT_SECRETS_DIR", str(tmp_path))
    (tmp_path / "chat_jwt_secret").write_text("f" * 20 + secrets.token_hex(16))
    (tmp_path / "chat_database_password").write_text("from-a-file")
    monkeypatch.setenv("CHAT_DATABASE_URL", "postgresql://chat@db:5432/chat")
    get_settings.cache_clear()
    try:
        settings = get_settings()
        assert settings.signing_secret().startswith(b"f" * 20)
        assert settings.database_address() == (
            "postgresql+psycopg://chat:from-a-file@db:5432/chat"
        )
        assert "from-a-file" not in settings.database_url
        monkeypatch.setenv("CHAT_JWT_SECRET", "e" * 20 + secrets.token_hex(16))
        get_settings.cache_clear()
        assert get_settings().signing_secret().startswith(b"e" * 20)
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(
    "variable", ["CHAT_DATABASE_URL", "REFLEX_DB_URL", "DATABASE_URL"]
)
def test_the_database_url_is_read_under_each_name(monkeypatch, variable):
    for name in ("CHAT_DATABASE_URL", "REFLEX_DB_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(variable, "postgres://chat:pw@db/chat")
    assert Settings().database_url == "postgresql+psycopg://chat:pw@db/chat"


def test_a_password_in_the_url_is_kept():
    settings = Settings(
        database_url="postgresql://chat:in-url@db/chat",
        database_password="other",  # pyright: ignore[reportArgumentType]
    )
    assert settings.database_address() == "postgresql+psycopg://chat:in-url@db/chat"


def test_the_sqlite_file_lives_in_the_data_folder_by_default(monkeypatch, tmp_path):
    for name in ("CHAT_DATABASE_URL", "REFLEX_DB_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert Settings(data_dir=tmp_path).database_url == f"sqlite:///{tmp_path}/chat.db"


def test_log_level_is_checked_and_read_in_any_case(monkeypatch):
    monkeypatch.setenv("CHAT_LOG_LEVEL", "debug")
    assert Settings().log_level == "DEBUG"
    monkeypatch.setenv("CHAT_LOG_LEVEL", "LOUD")
    with pytest.raises(ValidationError):
        Settings()


def test_log_format_follows_the_environment_unless_set(monkeypatch):
    monkeypatch.delenv("CHAT_LOG_FORMAT", raising=False)
    assert Settings(env="development").log_format_in_effect() == "text"
    assert Settings(env="production").log_format_in_effect() == "json"
    monkeypatch.setenv("CHAT_LOG_FORMAT", "TEXT")
    assert Settings(env="production").log_format_in_effect() == "text"
    monkeypatch.setenv("CHAT_LOG_FORMAT", "")
    assert Settings(env="production").log_format_in_effect() == "json"
    monkeypatch.setenv("CHAT_LOG_FORMAT", "xml")
    with pytest.raises(ValidationError):
        Settings()


def test_an_empty_variable_counts_as_unset(monkeypatch):
    monkeypatch.setenv("CHAT_DATABASE_URL", "")
    monkeypatch.delenv("REFLEX_DB_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://chat:pw@db/chat")
    assert Settings().database_url == "postgresql+psycopg://chat:pw@db/chat"


def test_typing_is_refreshed_before_it_expires():
    settings = Settings()
    assert (
        settings.typing_idle_seconds,
        settings.typing_refresh_seconds,
        settings.typing_ttl_seconds,
    ) == (3, 2, 6)
    with pytest.raises(ValidationError, match="REFRESH"):
        Settings(typing_refresh_seconds=6, typing_ttl_seconds=6)
