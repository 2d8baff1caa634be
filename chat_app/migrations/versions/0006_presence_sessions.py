"""presence sessions: the session each tab entered with, so ended ones are evicted

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    # Tabs present before this version have no session recorded: the next event
    # they send, or the sweep once they go silent, handles them as before.
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_id", sa.String(64), nullable=True))
        batch_op.add_column(
            sa.Column("token_expires_at", sa.BigInteger(), nullable=True)
        )
        batch_op.create_index("ix_presence_token_id", ["token_id"])


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.drop_index("ix_presence_token_id")
        batch_op.drop_column("token_expires_at")
        batch_op.drop_column("token_id")
