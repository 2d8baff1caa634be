"""username skeletons: lookalike usernames ("al", "aI", "a1") cannot both register

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The skeleton as of this revision (``chat_app.domain.validation``), copied so
# that the migration does the same whatever the app's code becomes.
LOOKALIKES = str.maketrans({"1": "l", "I": "l", "0": "O"})


def skeleton(username: str) -> str:
    """What a username looks like: 1 and I as l, 0 as O, m as rn, any case."""
    return username.translate(LOOKALIKES).casefold().replace("m", "rn")


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("username_skeleton", sa.String(64), nullable=True)
        )
    # Accounts that already look alike keep their usernames: the oldest holds
    # the skeleton, which keeps new lookalikes of all of them out; the others
    # keep none (NULLs never collide in a unique index).
    connection = op.get_bind()
    taken: set[str] = set()
    for user_id, username in connection.execute(
        sa.text("SELECT id, username FROM users ORDER BY id")
    ):
        folded = skeleton(username)
        if folded in taken:
            continue
        taken.add(folded)
        connection.execute(
            sa.text("UPDATE users SET username_skeleton = :skeleton WHERE id = :id"),
            {"skeleton": folded, "id": user_id},
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(
            "ix_users_username_skeleton", ["username_skeleton"], unique=True
        )


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_username_skeleton")
        batch_op.drop_column("username_skeleton")
