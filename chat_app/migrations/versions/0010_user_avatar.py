"""user avatar: the stored name of each account's picture

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    # Accounts from before have none: their initials show until they upload one.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("avatar", sa.String(64), nullable=True))


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("avatar")
