"""upload expiry: when each upload was first sent in a message

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_at", sa.Float(), nullable=True))
    # Uploads that messages already carry count as sent, as of their message.
    connection = op.get_bind()
    sent: dict[str, float] = {}
    for raw, sent_at_ms in connection.execute(
        sa.text("SELECT attachments, sent_at_ms FROM messages")
    ):
        files = json.loads(raw) if isinstance(raw, str) else raw or []
        for entry in files:
            name = str(entry.get("url", "")).removeprefix("/static/")
            sent.setdefault(name, sent_at_ms / 1000)
    for name, at in sent.items():
        connection.execute(
            sa.text("UPDATE attachments SET sent_at = :at WHERE stored_name = :name"),
            {"at": at, "name": name},
        )


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_column("sent_at")
