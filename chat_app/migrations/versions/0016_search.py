"""search: each message's search text, indexed by each database's full-text search

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30

SQLite: an FTS5 table over ``messages.search_text`` (its content read from
``messages``, ``unicode61 remove_diacritics 2``), kept in step by triggers on
insert, update and delete. PostgreSQL: a text search configuration that folds
accents (``unaccent``) and case (``simple``, no stemming, as FTS5), a stored
``search_vector`` column PostgreSQL computes from the search text, and a GIN
index over it; PostgreSQL keeps both in step itself.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from chat_app.rooms.search_index import fill_search_text

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_INDEX = [
    "CREATE VIRTUAL TABLE message_search USING fts5(search_text,"
    " content='messages', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN"
    " INSERT INTO message_search(rowid, search_text)"
    " VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN"
    " INSERT INTO message_search(message_search, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER message_search_update AFTER UPDATE OF search_text ON messages"
    " BEGIN"
    " INSERT INTO message_search(message_search, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text);"
    " INSERT INTO message_search(rowid, search_text)"
    " VALUES (new.id, new.search_text); END",
    "INSERT INTO message_search(message_search) VALUES ('rebuild')",
]
POSTGRES_INDEX = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION prosa_search (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION prosa_search ALTER MAPPING FOR"
    " asciiword, asciihword, hword_asciipart, word, hword, hword_part,"
    " numword, numhword, hword_numpart WITH unaccent, simple",
    # Stored, so a search that reads the newest messages first tests each row's
    # words without computing them again.
    "ALTER TABLE messages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS"
    " (to_tsvector('prosa_search'::regconfig, search_text)) STORED",
    "CREATE INDEX ix_messages_search ON messages USING gin (search_vector)",
    # Enough of the words' frequencies for the planner to tell a rare word (the
    # index) from a common one (the newest rows first, stopping at a page).
    "ALTER TABLE messages ALTER COLUMN search_vector SET STATISTICS 10000",
]


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("search_text", sa.Text(), nullable=False, server_default="")
        )
    connection = op.get_bind()
    fill_search_text(connection)
    sqlite = connection.dialect.name == "sqlite"
    for statement in SQLITE_INDEX if sqlite else POSTGRES_INDEX:
        op.execute(statement)


def downgrade() -> None:
    """Revert this migration."""
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER message_search_{trigger}")
        op.execute("DROP TABLE message_search")
    else:
        op.execute("DROP INDEX ix_messages_search")
        op.execute("ALTER TABLE messages DROP COLUMN search_vector")
        op.execute("DROP TEXT SEARCH CONFIGURATION prosa_search")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("search_text")
