"""People to mention: the asker's room first, then everyone else.

Asked at every pause in typing, so each look-up is a few small queries, each a
range of an index (the start of a username or of a name) cut short by a LIMIT.
"""

from typing import Any

from sqlalchemy import ColumnElement, and_, true
from sqlmodel import Session, col, select

from chat_app.db import reads
from chat_app.domain.files import stored_version
from chat_app.domain.people import PEOPLE_LISTED, Person, like_prefix
from chat_app.models import User
from chat_app.rooms.presence import members


def _starts_with(column: Any, start: str, *, sqlite: bool) -> ColumnElement[bool]:
    """A key column starting with a text (both case-folded).

    SQLite's LIKE ignores case, so it never uses an index on a column of binary
    order: there a range of the index says the same (the text is made of
    characters a username may hold, all below "~"), and LIKE stays exact.
    """
    if not start:
        return true()
    matches = col(column).like(like_prefix(start), escape="\\")
    if not sqlite:
        return matches
    after = start[:-1] + chr(ord(start[-1]) + 1)
    return and_(col(column) >= start, col(column) < after, matches)


@reads
def find_people(
    session: Session,
    *,
    query: str,
    room: str | None,
    asker: str,
    limit: int = PEOPLE_LISTED,
) -> list[Person]:
    """Who a message may mention, for what was typed after an ``@``.

    People whose username starts with the query come before those whose name
    alone does, each in alphabetical order; the room's members before everyone
    else. The asker is left out: a mention of oneself counts for no one.

    Args:
        session: The database session.
        query: A valid query, case-folded (``domain.people.mention_query``); ""
            lists everyone.
        room: The asker's room (None outside any).
        asker: The asker's username.
        limit: How many people at most.

    Returns:
        The people, in the order listed.
    """
    sqlite = session.get_bind().dialect.name == "sqlite"
    present = {name.casefold() for name in members(session, room)} if room else set()
    listed: list[Person] = []
    left_out = {asker.casefold()}
    for among_members in (True, False):
        if among_members and not present - left_out:
            continue
        # A bare "@" matches every username, so no one by their name alone.
        for column in (User.username_key, User.name_key)[: 2 if query else 1]:
            wanted = limit - len(listed)
            if wanted <= 0:
                return listed
            key = col(User.username_key)
            within = (
                key.in_(present - left_out)
                if among_members
                else key.not_in(present | left_out)
            )
            rows = session.exec(
                select(User.username, User.name, User.avatar, User.name_key)
                .where(_starts_with(column, query, sqlite=sqlite), within)
                .order_by(col(column), key)
                .limit(wanted)
            ).all()
            for username, name, avatar, name_key in rows:
                listed.append(
                    Person(
                        username=username,
                        name=name,
                        avatar=stored_version(avatar) if avatar else "",
                        name_key=name_key,
                        member=among_members,
                    )
                )
                left_out.add(username.casefold())
    return listed
