"""attention: notification settings on the account, and when people read what

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    # Everyone starts told of their room's messages and mentions, with previews
    # and sound; the browser still asks before the first notification shows.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("notify", sa.String(8), nullable=False, server_default="all")
        )
        batch_op.add_column(
            sa.Column(
                "notify_preview", sa.Boolean(), nullable=False, server_default=sa.true()
            )
        )
        batch_op.add_column(
            sa.Column("sound", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    # Each stretch of a room one person read, and when: "seen by" and its times.
    op.create_table(
        "read_spans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("room", sa.String(64), nullable=False),
        sa.Column("username", sa.String(32), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_read_spans_room_last_seq", "read_spans", ["room", "last_seq"])
    op.create_index(
        "ix_read_spans_room_username", "read_spans", ["room", "username", "last_seq"]
    )


def downgrade() -> None:
    """Revert this migration."""
    op.drop_index("ix_read_spans_room_username", table_name="read_spans")
    op.drop_index("ix_read_spans_room_last_seq", table_name="read_spans")
    op.drop_table("read_spans")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("sound")
        batch_op.drop_column("notify_preview")
        batch_op.drop_column("notify")
