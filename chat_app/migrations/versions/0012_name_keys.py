"""name keys: people found by the start of their username or name (mentions)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def search_key(text: str) -> str:
    """A name without accents or case, its first 64 characters.

    The key as of this revision (``chat_app.domain.people``), copied so that
    the migration does the same whatever the app's code becomes.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.casefold()[:64]


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name_key", sa.String(64), nullable=False, server_default="")
        )
    connection = op.get_bind()
    keys = [
        {"id": user_id, "key": search_key(name)}
        for user_id, name in connection.execute(sa.text("SELECT id, name FROM users"))
    ]
    if keys:
        connection.execute(
            sa.text("UPDATE users SET name_key = :key WHERE id = :id"), keys
        )
    # PostgreSQL uses an index for "LIKE 'an%'" only with the pattern operators
    # (unless the database's collation is C); SQLite searches a range instead.
    op.create_index(
        "ix_users_name_key",
        "users",
        ["name_key"],
        postgresql_ops={"name_key": "text_pattern_ops"},
    )
    if connection.dialect.name == "postgresql":
        op.create_index(
            "ix_users_username_key_prefix",
            "users",
            ["username_key"],
            postgresql_ops={"username_key": "text_pattern_ops"},
        )


def downgrade() -> None:
    """Revert this migration."""
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_users_username_key_prefix", table_name="users")
    op.drop_index("ix_users_name_key", table_name="users")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("name_key")
