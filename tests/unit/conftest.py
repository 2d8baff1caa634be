import pytest
from sqlmodel import Session

from chat_app.db import make_engine, upgrade
from chat_app.settings import Settings


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path}/chat.db",
        bcrypt_rounds=4,
        jwt_secret="t" * 32,  # pyright: ignore[reportArgumentType]
    )


@pytest.fixture
def session(settings):
    """A session on a real, migrated SQLite file."""
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()
