"""conversations: rooms people create, direct conversations, their members

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "conversations",
        sa.Column("slug", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, server_default=""),
        sa.Column("name_key", sa.String(64), nullable=True, unique=True),
        sa.Column("topic", sa.String(300), nullable=False, server_default=""),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("owner", sa.String(32), nullable=True),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("archived_at_ms", sa.BigInteger(), nullable=True),
    )
    op.create_table(
        "memberships",
        sa.Column("room", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(32), primary_key=True),
        sa.Column("joined_at_ms", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_memberships_username", "memberships", ["username", "room"])
    # Conversations are ordered by their latest message: kept beside its number.
    with op.batch_alter_table("room_sequences", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_at_ms", sa.BigInteger(), nullable=False, server_default="0")
        )
    op.execute(
        "UPDATE room_sequences SET last_at_ms = COALESCE(("
        "SELECT MAX(messages.sent_at_ms) FROM messages "
        "WHERE messages.room = room_sequences.room), 0)"
    )


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("room_sequences", schema=None) as batch_op:
        batch_op.drop_column("last_at_ms")
    op.drop_index("ix_memberships_username", table_name="memberships")
    op.drop_table("memberships")
    op.drop_table("conversations")
