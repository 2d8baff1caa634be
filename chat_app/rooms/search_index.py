"""The search indexes' upkeep: messages' search texts, written again.

Sends, edits and deletions keep the indexes in step by themselves (``models``
writes a message's search text whenever it is stored; SQLite's triggers and
PostgreSQL's index follow it). :func:`rebuild` is for data that did not come
that way: a database restored from elsewhere, or a change of what is indexed.
Run it with ``python -m chat_app.rooms.search_index``; it writes a batch at a
time, so the chat keeps running beside it.
"""

import sqlalchemy as sa
from sqlmodel import Session

from chat_app.domain.search import document

BATCH = 2000
MESSAGES = sa.table(
    "messages",
    sa.column("id", sa.Integer),
    sa.column("text", sa.Text),
    sa.column("attachments", sa.JSON),
    sa.column("search_text", sa.Text),
)


def fill_batch(connection: sa.Connection | Session, *, after: int) -> int | None:
    """Write the search texts of the next batch of messages that need it.

    Args:
        connection: A connection or session (in a transaction).
        after: The id the previous batch ended at (0 to start).

    Returns:
        The id this batch ended at, or None when no message is left.
    """
    rows = connection.execute(
        sa.select(
            MESSAGES.c.id,
            MESSAGES.c.text,
            MESSAGES.c.attachments,
            MESSAGES.c.search_text,
        )
        .where(MESSAGES.c.id > after)
        .order_by(MESSAGES.c.id)
        .limit(BATCH)
    ).all()
    if not rows:
        return None
    changed = []
    for row_id, text, attachments, written in rows:
        names = [str(item.get("name", "")) for item in attachments or []]
        found = document(text, names)
        if found != written:
            changed.append({"row_id": row_id, "found": found})
    if changed:
        connection.execute(
            sa.update(MESSAGES)
            .where(MESSAGES.c.id == sa.bindparam("row_id"))
            .values(search_text=sa.bindparam("found")),
            changed,
        )
    return rows[-1][0]


def fill_search_text(connection: sa.Connection | Session) -> None:
    """Write every message's search text, in one transaction (a migration's).

    Args:
        connection: The connection.
    """
    after: int | None = 0
    while after is not None:
        after = fill_batch(connection, after=after)


def rebuild(session: Session) -> int:
    """Write every search text that is not what it should be, a batch at a time.

    Each batch commits on its own; then SQLite's full-text table is rebuilt
    from the search texts.

    Args:
        session: The database session.

    Returns:
        How many batches were read.
    """
    after: int | None = 0
    batches = 0
    while (after := fill_batch(session, after=after)) is not None:
        session.commit()
        batches += 1
    if session.get_bind().dialect.name == "sqlite":
        # The table's own rebuild: its words read again from every search text.
        session.execute(
            sa.text("INSERT INTO message_search(message_search) VALUES ('rebuild')")
        )
    session.commit()
    return batches


if __name__ == "__main__":
    from chat_app import db

    print(f"Search texts checked in {db.run_in_session(rebuild)} batches.")
