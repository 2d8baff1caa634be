from chat_app import db, settings


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
