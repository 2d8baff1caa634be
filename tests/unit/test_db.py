from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session, select

from chat_app import accounts
from chat_app.db import make_engine, upgrade
from chat_app.models import User


def test_concurrent_registrations_all_succeed(settings):
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)

    def register(index: int) -> None:
        with Session(engine) as session:
            accounts.sign_up(
                session,
                {
                    "name": f"User {index}",
                    "username": f"user{index}",
                    "email": f"user{index}@example.com",
                    "password": "password-123",
                },
                client=f"203.0.113.{index}",
                settings=settings,
                now=1_800_000_000.0,
            )
            session.commit()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(register, range(24)))
    with Session(engine) as session:
        assert len(session.exec(select(User)).all()) == 24
    engine.dispose()


def test_upgrade_is_idempotent(settings):
    upgrade(settings.database_url)
    upgrade(settings.database_url)


def test_sqlite_commits_reach_the_disk_before_they_are_acknowledged(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/durable.db")
    with engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    engine.dispose()
    assert mode == 2  # FULL
