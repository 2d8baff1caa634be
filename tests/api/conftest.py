import pytest
from starlette.testclient import TestClient

from chat_app import db, settings
from chat_app.api.routes import create_api
from tests.support.databases import database_url, postgres_server  # noqa: F401


@pytest.fixture
def client(tmp_path, monkeypatch, database_url):  # noqa: F811
    """The HTTP API over a fresh migrated database, through an ASGI client.

    Every API test runs on an SQLite file and on PostgreSQL.
    """
    monkeypatch.setenv("CHAT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CHAT_DATABASE_URL", database_url)
    monkeypatch.setenv("CHAT_BCRYPT_ROUNDS", "4")
    monkeypatch.setenv("CHAT_JWT_SECRET", "k" * 32)
    monkeypatch.setenv("CHAT_UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("CHAT_MAX_FILE_BYTES", str(256 * 1024))
    settings.get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.upgrade()
    engine = db.get_engine()
    # English messages, as most tests read them; tests of languages ask otherwise.
    with TestClient(
        create_api(), client=("10.0.0.1", 5000), headers={"Accept-Language": "en"}
    ) as test_client:
        yield test_client
    engine.dispose()
    settings.get_settings.cache_clear()
    db.get_engine.cache_clear()
