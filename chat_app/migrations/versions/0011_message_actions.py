"""message actions: replies, edits, deletions, reactions and mentions

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    # Messages from before reply to nothing and were never edited or deleted.
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_to", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("edited_at_ms", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("deleted_at_ms", sa.BigInteger(), nullable=True))
    op.create_table(
        "reactions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("room", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(32), nullable=False),
        sa.Column("emoji", sa.String(32), nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("room", "seq", "username", "emoji"),
    )
    op.create_index("ix_reactions_room_seq", "reactions", ["room", "seq"])
    op.create_table(
        "mentions",
        sa.Column("room", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(32), primary_key=True),
    )
    op.create_index("ix_mentions_username_room", "mentions", ["username", "room"])
    # Replies to a message are found when it changes.
    op.create_index("ix_messages_room_reply_to", "messages", ["room", "reply_to"])


def downgrade() -> None:
    """Revert this migration."""
    op.drop_index("ix_messages_room_reply_to", table_name="messages")
    op.drop_index("ix_mentions_username_room", table_name="mentions")
    op.drop_table("mentions")
    op.drop_index("ix_reactions_room_seq", table_name="reactions")
    op.drop_table("reactions")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("deleted_at_ms")
        batch_op.drop_column("edited_at_ms")
        batch_op.drop_column("reply_to")
