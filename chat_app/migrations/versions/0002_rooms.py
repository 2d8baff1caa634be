"""rooms: messages, presence and read marks

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column(
            "author", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("sent_at_ms", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("room", "seq"),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_messages_room"), ["room"], unique=False)
        batch_op.create_index(
            "ix_messages_author_sent_at_ms", ["author", "sent_at_ms"], unique=False
        )

    op.create_table(
        "read_marks",
        sa.Column(
            "username", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("room", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("last_read_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("username", "room"),
    )
    op.create_table(
        "presence",
        sa.Column("tab", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("room", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column(
            "username", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("sid", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("entered_at", sa.Float(), nullable=False),
        sa.Column("seen_at", sa.Float(), nullable=False),
        sa.Column("typing_since", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("tab"),
    )
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_presence_room"), ["room"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_presence_username"), ["username"], unique=False
        )


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_presence_username"))
        batch_op.drop_index(batch_op.f("ix_presence_room"))

    op.drop_table("presence")
    op.drop_table("read_marks")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_author_sent_at_ms")
        batch_op.drop_index(batch_op.f("ix_messages_room"))

    op.drop_table("messages")
