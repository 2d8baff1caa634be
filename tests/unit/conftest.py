import pytest
from sqlmodel import Session

from chat_app.db import make_engine, upgrade
from chat_app.settings import Settings
from tests.support.databases import database_url, postgres_server  # noqa: F401


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:  # noqa: F811
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        bcrypt_rounds=4,
        jwt_secret="t" * 32,  # pyright: ignore[reportArgumentType]
    )


@pytest.fixture
def session(settings):
    """A session on a real, migrated database (an SQLite file, then PostgreSQL)."""
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()
