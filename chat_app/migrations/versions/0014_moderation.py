"""moderation: bans and mutes on the account, messages removed by an admin, the log

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    # Nobody starts banned or muted.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("banned_at_ms", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("muted_until_ms", sa.BigInteger(), nullable=True))
    # Who removed a message, when not its author ("removed by moderation").
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("removed_by", sa.String(32), nullable=True))
    op.create_table(
        "moderation_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("admin", sa.String(32), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("target", sa.String(32), nullable=False),
        sa.Column("room", sa.String(64), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(300), nullable=False, server_default=""),
        sa.Column("until_ms", sa.BigInteger(), nullable=True),
    )
    op.create_index("ix_moderation_actions_at_ms", "moderation_actions", ["at_ms"])
    op.create_index("ix_moderation_actions_target", "moderation_actions", ["target"])


def downgrade() -> None:
    """Revert this migration."""
    op.drop_index("ix_moderation_actions_target", table_name="moderation_actions")
    op.drop_index("ix_moderation_actions_at_ms", table_name="moderation_actions")
    op.drop_table("moderation_actions")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("removed_by")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("muted_until_ms")
        batch_op.drop_column("banned_at_ms")
