from chat_app import db, settings
from harness.servers import free_port


def test_health_is_ok_with_the_database_and_no_redis(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "redis": "not configured",
    }


def test_health_names_a_redis_that_is_down(client, monkeypatch):
    monkeypatch.setenv("REFLEX_REDIS_URL", "redis://127.0.0.1:1/0")
    settings.get_settings.cache_clear()
    response = client.get("/api/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["redis"].startswith("down")


def test_health_names_a_database_that_is_down(client, monkeypatch, tmp_path):
    missing = tmp_path / "not-a-folder"
    missing.write_text("a file where the database folder should be")
    monkeypatch.setenv("CHAT_DATABASE_URL", f"sqlite:///{missing}/chat.db")
    settings.get_settings.cache_clear()
    db.get_engine.cache_clear()
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json()["database"].startswith("down")


def database_goes_away(monkeypatch) -> None:
    """Point the app at a PostgreSQL address where nothing listens."""
    monkeypatch.setenv(
        "CHAT_DATABASE_URL", f"postgresql://chat:pw@127.0.0.1:{free_port()}/chat"
    )
    settings.get_settings.cache_clear()
    db.get_engine.cache_clear()


def test_requests_get_503_while_the_database_is_unreachable(client, monkeypatch):
    database_goes_away(monkeypatch)
    form = {
        "name": "Ana",
        "username": "ana",
        "email": "ana@example.com",
        "password": "segredo123",
    }
    login = {"login": "ana", "password": "segredo123"}
    for path, body in (("/api/auth/register", form), ("/api/auth/login", login)):
        response = client.post(path, json=body)
        assert response.status_code == 503, response.text
        assert response.headers["Retry-After"] == "5"
        error = response.json()["error"]
        assert error["code"] == "unavailable"
        assert "database" in error["message"]
    health = client.get("/api/health")
    assert health.status_code == 503
    assert health.json()["database"].startswith("down")
