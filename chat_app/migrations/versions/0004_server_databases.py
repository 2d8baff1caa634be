"""server databases: per-room message counters and 64-bit times and sizes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite's INTEGER is already 64-bit; elsewhere the columns are widened.
WIDENED = (("messages", "sent_at_ms"), ("attachments", "size"))


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "room_sequences",
        sa.Column("room", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("room"),
    )
    op.execute(
        "INSERT INTO room_sequences (room, last_seq) "
        "SELECT room, MAX(seq) FROM messages GROUP BY room"
    )
    if op.get_bind().dialect.name != "sqlite":
        for table, column in WIDENED:
            op.alter_column(
                table, column, type_=sa.BigInteger(), existing_type=sa.Integer()
            )


def downgrade() -> None:
    """Revert this migration."""
    if op.get_bind().dialect.name != "sqlite":
        for table, column in WIDENED:
            op.alter_column(
                table, column, type_=sa.Integer(), existing_type=sa.BigInteger()
            )
    op.drop_table("room_sequences")
