"""The search indexes' upkeep: every message's search text, written again.

Sends, edits and deletions keep the indexes in step by themselves (``models``
writes a message's search text whenever it is stored; SQLite's triggers and
PostgreSQL's index follow it). :func:`rebuild` is for data that did not come
that way: a database restored from elsewhere, or a change of what is indexed.
Run it with ``python -m chat_app.rooms.search_index``.
"""

import sqlalchemy as sa
from sqlmodel import Session

from chat_app.domain.search import document

BATCH = 5000
MESSAGES = sa.table(
    "messages",
    sa.column("id", sa.Integer),
    sa.column("text", sa.Text),
    sa.column("attachments", sa.JSON),
    sa.column("search_text", sa.Text),
)


def fill_search_text(connection: sa.Connection | Session) -> int:
    """Write every message's search text from its text and files, in batches.

    Args:
        connection: A connection or session (in a transaction).

    Returns:
        How many messages were read.
    """
    after, count = 0, 0
    while rows := connection.execute(
        sa.select(MESSAGES.c.id, MESSAGES.c.text, MESSAGES.c.attachments)
        .where(MESSAGES.c.id > after)
        .order_by(MESSAGES.c.id)
        .limit(BATCH)
    ).all():
        connection.execute(
            sa.update(MESSAGES)
            .where(MESSAGES.c.id == sa.bindparam("row_id"))
            .values(search_text=sa.bindparam("found")),
            [
                {
                    "row_id": row_id,
                    "found": document(
                        text, [str(f.get("name", "")) for f in attachments or []]
                    ),
                }
                for row_id, text, attachments in rows
            ],
        )
        after, count = rows[-1][0], count + len(rows)
    return count


def rebuild(session: Session) -> int:
    """Write every search text again, then rebuild the database's index from them.

    Args:
        session: The database session.

    Returns:
        How many messages were indexed.
    """
    count = fill_search_text(session)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            sa.text("INSERT INTO message_search(message_search) VALUES ('rebuild')")
        )
    else:
        session.execute(sa.text("REINDEX INDEX ix_messages_search"))
    return count


if __name__ == "__main__":
    from chat_app import db

    print(f"Indexed {db.run_in_session(rebuild)} messages for search.")
