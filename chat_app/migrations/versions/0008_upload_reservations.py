"""upload reservations: bytes held by uploads still streaming; each upload's address

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    # Uploads recorded before this version have no address: they count for
    # their owner's quotas only.
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sa.String(64), nullable=True))
        batch_op.create_index("ix_attachments_address", ["address"])
    op.create_table(
        "upload_reservations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(32), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("upload_reservations", schema=None) as batch_op:
        batch_op.create_index("ix_upload_reservations_owner", ["owner"])
        batch_op.create_index("ix_upload_reservations_address", ["address"])
        batch_op.create_index("ix_upload_reservations_expires_at", ["expires_at"])


def downgrade() -> None:
    """Revert this migration."""
    op.drop_table("upload_reservations")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_attachments_address")
        batch_op.drop_column("address")
