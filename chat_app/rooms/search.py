"""Searching the messages a person may read, with each database's full-text index.

A :class:`~chat_app.domain.search.Query` becomes one statement: on SQLite an FTS5
``MATCH`` over ``message_search``, read newest first straight from the index; on
PostgreSQL ``@@`` over the stored ``search_vector`` and its GIN index (migration
0016). Both are given the same words and fold them the same way, so
the same search finds the same messages on either. Only the conversations the
person may read are searched (``conversations.readable``): a message of any
other is never read, counted or named, and an ``in:`` filter naming one is
refused in the same words as one naming nothing.
"""

from dataclasses import dataclass
from datetime import tzinfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from chat_app.cpu import cpu_bound
from chat_app.db import reads
from chat_app.domain import conversations as rules
from chat_app.domain.errors import ChatError
from chat_app.domain.markup import plain
from chat_app.domain.room_addresses import room_path
from chat_app.domain.rooms import Room
from chat_app.domain.search import Query, Term, marks
from chat_app.domain.text import N_
from chat_app.models import Message, User
from chat_app.rooms import conversations

PAGE = 20
CONFIG = sa.literal_column("'prosa_search'::regconfig")
FTS = sa.table("message_search", sa.column("rowid", sa.Integer))
Condition = sa.ColumnElement[bool] | sa.TextClause


@dataclass(frozen=True)
class Piece:
    """Part of a result's text; ``found`` for a word the search matched."""

    text: str
    found: bool


@dataclass(frozen=True)
class Hit:
    """A message found, as its result shows it.

    Attributes:
        key: ``<room>:<number>``, the result's stable name.
        address: The message's address (its room, opened at it).
        room_name: The conversation's name as the reader sees it.
        kind: ``room`` or ``direct``.
        author: The author's name.
        username: The author's username.
        sent_at_ms: When it was sent.
        pieces: Its text as read (formatting dropped; the part around the first
            match), words marked.
        files: Its files' names, words marked, one after the other.
    """

    key: str
    address: str
    room_name: str
    kind: str
    author: str
    username: str
    sent_at_ms: int
    pieces: list[Piece]
    files: list[Piece]


@dataclass(frozen=True)
class Found:
    """A page of results, newest first; ``after`` continues past it, or None."""

    hits: list[Hit]
    after: int | None


def _fts5(term: Term) -> str:
    phrase = '"' + " ".join(term.words).replace('"', '""') + '"'
    return phrase + ("*" if term.prefix else "")


def _tsquery(term: Term) -> str:
    quoted = [f"'{word}'" for word in term.words]  # letters and digits only
    if term.prefix:
        quoted[-1] += ":*"
    return "(" + " <-> ".join(quoted) + ")"


def _matching(dialect: str, query: Query) -> list[Condition]:
    """The conditions on the words: included, and excluded."""
    write, either = (_fts5, " OR ") if dialect == "sqlite" else (_tsquery, " | ")
    excluded = either.join(map(write, query.excluded))
    if dialect == "sqlite":
        match = sa.text("message_search MATCH :match")
        if query.terms:
            wanted = " AND ".join(map(_fts5, query.terms))
            expression = f"({wanted}) NOT ({excluded})" if excluded else wanted
            return [match.bindparams(match=expression)]
        if excluded:
            hidden = select(FTS.c.rowid).where(match.bindparams(match=excluded))
            return [col(Message.id).not_in(hidden)]
        return []
    vector = sa.literal_column("messages.search_vector")  # migration 0016
    conditions: list[Condition] = []
    if query.terms:
        wanted = " & ".join(map(_tsquery, query.terms))
        expression = f"({wanted}) & !({excluded})" if excluded else wanted
        conditions.append(
            vector.op("@@", return_type=sa.Boolean)(
                sa.func.to_tsquery(CONFIG, expression)
            )
        )
    elif excluded:
        conditions.append(
            sa.not_(
                vector.op("@@", return_type=sa.Boolean)(
                    sa.func.to_tsquery(CONFIG, excluded)
                )
            )
        )
    return conditions


def _with_files(dialect: str, image: bool) -> Condition:
    if not image:
        return sa.func.json_array_length(Message.attachments) > 0
    if dialect == "sqlite":
        return sa.text(
            "EXISTS (SELECT 1 FROM json_each(messages.attachments)"
            " WHERE json_extract(value, '$.kind') = 'image')"
        )
    return sa.text(
        "EXISTS (SELECT 1 FROM json_array_elements(messages.attachments) AS f"
        " WHERE f->>'kind' = 'image')"
    )


NO_PLACE = N_("You can read no conversation called {place}.")


def _places(
    session: Session, query: Query, *, readable: list[str], user_id: int
) -> list[str]:
    """The conversations to look in: ``in:`` ones (each readable), or all."""
    if not query.places:
        return readable
    chosen = []
    for place in query.places:
        slug = place.removeprefix("#")
        if place.startswith("@"):
            other = session.exec(
                select(User.id).where(User.username_key == place.removeprefix("@"))
            ).first()
            slug = (
                rules.direct_slug(user_id, other) if other and other != user_id else ""
            )
        if slug not in readable:
            raise ChatError(NO_PLACE, place=place)
        chosen.append(slug)
    return chosen


@cpu_bound
@reads
def search(
    session: Session,
    *,
    query: Query,
    username: str,
    user_id: int,
    zone: tzinfo,
    configured: tuple[Room, ...],
    after: int | None = None,
    page: int = PAGE,
) -> Found:
    """A page of the messages a person may read that a search finds, newest first.

    Args:
        session: The database session.
        query: The search (not empty).
        username: The verified user.
        user_id: Their account's id (for ``in:@someone``).
        zone: Their time zone, for the days they typed.
        configured: The configured rooms.
        after: Where the previous page ended (``Found.after``), if any.
        page: Results per page.

    Returns:
        The page.

    Raises:
        ChatError: For an ``in:`` conversation they cannot read.
    """
    dialect = session.get_bind().dialect.name
    readable = conversations.readable(
        session, username=username, configured=[room.slug for room in configured]
    )
    places = _places(session, query, readable=readable, user_id=user_id)
    statement = select(Message)
    newest: sa.ColumnElement[int] = sa.literal_column("messages.id")
    if dialect == "sqlite" and query.terms:  # read newest first from the index
        newest = FTS.c.rowid
        statement = statement.join(FTS, FTS.c.rowid == Message.id)
    in_places = col(Message.room).in_(places)
    if dialect == "sqlite" and not query.terms and not query.places:
        # No words to read from the index, every readable conversation: read the
        # messages newest first and stop at a page. SQLite would otherwise take
        # the room index, read every readable message and sort them all (5 s
        # for has:file over a million); the unary + keeps it off that index.
        in_places = sa.literal_column("+messages.room", sa.String).in_(places)
    conditions: list[Condition] = [
        *_matching(dialect, query),
        in_places,
        col(Message.deleted_at_ms).is_(None),
    ]
    if query.authors:
        named = select(User.username).where(col(User.username_key).in_(query.authors))
        conditions.append(col(Message.author).in_(named))
    since, until = query.sent_between(zone)
    if since is not None:
        conditions.append(col(Message.sent_at_ms) >= since)
    if until is not None:
        conditions.append(col(Message.sent_at_ms) < until)
    if query.has_file or query.has_image:
        conditions.append(_with_files(dialect, query.has_image))
    if after is not None:
        conditions.append(newest < after)
    rows = list(
        session.exec(
            statement.where(*conditions).order_by(newest.desc()).limit(page + 1)
        ).all()
    )
    shown = rows[:page]
    hits = _hits(session, shown, query, username=username, configured=configured)
    more = len(rows) > page and shown[-1].id is not None
    return Found(hits=hits, after=shown[-1].id if more else None)


def _hits(
    session: Session,
    rows: list[Message],
    query: Query,
    *,
    username: str,
    configured: tuple[Room, ...],
) -> list[Hit]:
    """Results as they show: names of conversations and authors, words marked."""
    places = conversations.names_of(
        session,
        slugs={row.room for row in rows},
        username=username,
        configured=configured,
    )
    authors = dict(
        session.exec(
            select(User.username, User.name).where(
                col(User.username).in_({row.author for row in rows})
            )
        ).all()
    )
    hits = []
    for row in rows:
        place = places[row.room]
        files: list[Piece] = []
        for number, item in enumerate(row.attachments or []):
            name = str(item.get("name", ""))
            files += [Piece(" · ", False)] if number else []
            files += [Piece(*piece) for piece in marks(name, query, cut=False)]
        hits.append(
            Hit(
                key=f"{row.room}:{row.seq}",
                address=room_path(row.room, row.seq),
                room_name=place.name,
                kind=place.kind,
                author=authors.get(row.author, row.author),
                username=row.author,
                sent_at_ms=row.sent_at_ms,
                pieces=[Piece(*piece) for piece in marks(plain(row.text), query)],
                files=files,
            )
        )
    return hits
