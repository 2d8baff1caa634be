from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect
from sqlalchemy import text as sa_text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from chat_app import accounts, sessions
from chat_app.db import (
    MIGRATIONS,
    READ_ONLY,
    make_engine,
    ping,
    session_scope,
    upgrade,
)
from chat_app.models import RevokedToken, User
from chat_app.rooms import presence


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


def downgrade_to(url: str, revision: str) -> None:
    """Bring a database up to date, then back down to a revision."""
    upgrade(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.downgrade(config, revision)


def test_the_message_action_migrations_go_down_and_up_again(settings):
    """0011 (replies, edits, reactions, mentions) and 0012 revert cleanly."""
    downgrade_to(settings.database_url, "0010")
    engine = make_engine(settings.database_url)
    tables = set(inspect(engine).get_table_names())
    columns = {c["name"] for c in inspect(engine).get_columns("messages")}
    engine.dispose()
    assert not {"reactions", "mentions"} & tables
    assert "reply_to" not in columns
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    assert {"reactions", "mentions"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_the_attention_migration_goes_down_and_up_again(settings):
    """0013 (notification settings, read spans) reverts cleanly."""
    downgrade_to(settings.database_url, "0012")
    engine = make_engine(settings.database_url)
    assert "read_spans" not in inspect(engine).get_table_names()
    assert "notify" not in {c["name"] for c in inspect(engine).get_columns("users")}
    engine.dispose()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    assert "read_spans" in inspect(engine).get_table_names()
    assert {"notify", "notify_preview", "sound"} <= {
        c["name"] for c in inspect(engine).get_columns("users")
    }
    engine.dispose()


def test_the_conversations_migration_keeps_activity_and_goes_down_and_up(settings):
    """0015 (conversations, members, activity) fills activity in and reverts."""
    downgrade_to(settings.database_url, "0014")
    engine = make_engine(settings.database_url)
    assert "conversations" not in inspect(engine).get_table_names()
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO room_sequences (room, last_seq) VALUES ('sala-1', 1)"
        )
        connection.exec_driver_sql(
            "INSERT INTO messages (room, seq, author, text, sent_at_ms, attachments)"
            " VALUES ('sala-1', 1, 'ana', 'oi', 1700000000123, '[]')"
        )
    engine.dispose()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    assert {"conversations", "memberships"} <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        at = connection.exec_driver_sql(
            "SELECT last_at_ms FROM room_sequences WHERE room = 'sala-1'"
        ).scalar()
    assert at == 1700000000123
    engine.dispose()


def test_the_moderation_migration_goes_down_and_up_again(settings):
    """0014 (bans, mutes, removals by moderation, the log) reverts cleanly."""
    downgrade_to(settings.database_url, "0013")
    engine = make_engine(settings.database_url)
    assert "moderation_actions" not in inspect(engine).get_table_names()
    users = {c["name"] for c in inspect(engine).get_columns("users")}
    assert not {"banned_at_ms", "muted_until_ms"} & users
    assert "removed_by" not in {
        c["name"] for c in inspect(engine).get_columns("messages")
    }
    engine.dispose()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    assert "moderation_actions" in inspect(engine).get_table_names()
    assert {"banned_at_ms", "muted_until_ms"} <= {
        c["name"] for c in inspect(engine).get_columns("users")
    }
    assert "removed_by" in {c["name"] for c in inspect(engine).get_columns("messages")}
    engine.dispose()


def test_sqlite_commits_reach_the_disk_before_they_are_acknowledged(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/durable.db")
    with engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA synchronous").scalar()
    engine.dispose()
    assert mode == 2  # FULL


def sqlite_file(tmp_path) -> str:
    url = f"sqlite:///{tmp_path}/reads.db"
    upgrade(url)
    return url


def test_reading_work_runs_beside_a_writer_holding_the_lock(tmp_path):
    engine = make_engine(sqlite_file(tmp_path))
    with session_scope(engine) as writer:
        writer.add(RevokedToken(jti="held", expires_at=1))
        writer.flush()  # the write lock is held until this block ends
        # Taking the write lock here would wait for the writer: a deadlock that
        # ends in "database is locked" after the busy timeout.
        with session_scope(engine, read_only=True) as reader:
            assert reader.exec(select(RevokedToken)).all() == []
    with session_scope(engine, read_only=True) as reader:
        assert [row.jti for row in reader.exec(select(RevokedToken))] == ["held"]
    engine.dispose()


def test_reading_work_may_not_write_and_leaves_the_connection_writable(tmp_path):
    engine = make_engine(sqlite_file(tmp_path))
    with (
        pytest.raises(OperationalError, match="readonly"),
        session_scope(engine, read_only=True) as reader,
    ):
        reader.add(RevokedToken(jti="sneaky", expires_at=1))
    with session_scope(engine) as writer:  # the same pooled connection
        writer.add(RevokedToken(jti="fine", expires_at=1))
    with session_scope(engine, read_only=True) as reader:
        assert [row.jti for row in reader.exec(select(RevokedToken))] == ["fine"]
    engine.dispose()


def test_identity_and_room_lists_are_marked_as_reading():
    assert all(
        getattr(work, READ_ONLY, False)
        for work in (ping, sessions.identify, presence.members, presence.typists)
    )
    assert not getattr(presence.set_typing, READ_ONLY, False)


def test_the_search_migration_indexes_existing_messages_and_goes_down_and_up(settings):
    """0016 writes existing messages' search text, indexes it, and reverts."""
    downgrade_to(settings.database_url, "0015")
    engine = make_engine(settings.database_url)
    assert "search_text" not in {
        c["name"] for c in inspect(engine).get_columns("messages")
    }
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO messages (room, seq, author, text, sent_at_ms, attachments)"
            " VALUES ('sala-1', 1, 'ana', 'O Relatório', 1700000000123,"
            ' \'[{"name": "Orçamento.pdf", "kind": "file"}]\')'
        )
    engine.dispose()
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    sqlite = engine.dialect.name == "sqlite"
    match = (
        "SELECT rowid FROM message_search WHERE message_search MATCH :words"
        if sqlite
        else "SELECT id FROM messages WHERE to_tsvector('prosa_search', search_text)"
        " @@ to_tsquery('prosa_search', :words)"
    )
    with engine.connect() as connection:
        text_found = connection.exec_driver_sql(
            "SELECT search_text FROM messages"
        ).scalar()
        hits = [
            connection.execute(sa_text(match), {"words": words}).all()
            for words in ("relatorio", "orcamento")
        ]
    assert text_found == "o relatorio orcamento pdf"
    assert all(len(rows) == 1 for rows in hits)
    engine.dispose()


def test_at_the_latest_migration_sqlite_keeps_the_search_index_in_step(settings):
    """A later migration that rebuilt ``messages`` would drop these triggers."""
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            triggers = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name = 'messages'"
            ).scalars()
            assert set(triggers) >= {
                "message_search_insert",
                "message_search_update",
                "message_search_delete",
            }
    else:
        assert "ix_messages_search" in {
            index["name"] for index in inspect(engine).get_indexes("messages")
        }
    engine.dispose()
