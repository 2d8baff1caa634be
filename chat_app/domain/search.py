"""Finding messages: the words a message is found by, what a search asks for.

A message is indexed by its *search text* (:func:`document`): the words of its
text as readers see it (formatting dropped) and of its files' names, folded here
(:func:`fold`: no case, no accents, ``ß`` as ``ss``, ``ø`` as ``o``...) and one
space apart; a search's words are folded the same way. So SQLite's FTS5
``unicode61 remove_diacritics 2`` and PostgreSQL's ``unaccent`` + ``simple`` are
given the same plain words, and find the same messages; which words a result
marks is worked out with the same fold (:func:`marks`). What a person types in
the search box becomes a :class:`Query` (:func:`parse`): words, "exact phrases",
-excluded words, and filters as Slack and Mattermost users know them.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo

from chat_app.domain.errors import ChatError
from chat_app.domain.markup import plain

# A word: letters and digits, as FTS5's unicode61 tokenizer splits them ("_" and
# every other character separate words).
WORD = re.compile(r"[^\W_]+")
MAX_QUERY_CHARACTERS = 200
MAX_TERMS = 12
# The word being typed matches as a beginning once it has this many letters.
MIN_PREFIX = 2
# A result shows the text around its first match, about this long.
SNIPPET_CHARACTERS = 240
SNIPPET_BEFORE = 60

FILTERS = ("from", "in", "before", "after", "on", "has")
_TOKEN = re.compile(
    r"""(?P<minus>-?)(?:
        (?P<key>[A-Za-z]+):(?P<value>\S*)
      | "(?P<phrase>[^"]*)(?P<closed>"?)
      | (?P<bare>\S+)
    )""",
    re.VERBOSE,
)


# Letters that carry no accent to drop but are written plainly in searches, as
# PostgreSQL's unaccent writes them.
PLAIN_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŧ": "t",
     "æ": "ae", "œ": "oe", "þ": "th"}
)  # fmt: skip


def fold(word: str) -> str:
    """A word without case or accents, as searches compare words.

    Args:
        word: A word.

    Returns:
        It folded (``Relatório`` → ``relatorio``, ``Straße`` → ``strasse``).
    """
    decomposed = unicodedata.normalize("NFKD", word)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().translate(PLAIN_LETTERS)


def words(text: str) -> list[str]:
    """The words of a text, in order, as written (accents composed).

    Args:
        text: Any text.

    Returns:
        Its words (runs of letters and digits).
    """
    return WORD.findall(unicodedata.normalize("NFC", text))


def folded_words(text: str) -> list[str]:
    """The words of a text, folded (what an index holds and a search looks for).

    Args:
        text: Any text.

    Returns:
        Its words, folded, split again where folding made a separator.
    """
    return [part for word in words(text) for part in WORD.findall(fold(word))]


def document(text: str, file_names: Iterable[str] = ()) -> str:
    """The search text of a message: what both databases index.

    Args:
        text: The message's text as typed ("" once deleted).
        file_names: The names of its files.

    Returns:
        The folded words of what readers see of it and of its files' names, one
        space apart.
    """
    return " ".join(folded_words(" ".join([plain(text), *file_names])))


@dataclass(frozen=True)
class Term:
    """Words that must come together (one word, or an "exact phrase").

    Attributes:
        words: The words, in order, folded.
        prefix: Whether the last one matches as a beginning (it is being typed).
    """

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Query:
    """What a search asks for.

    Attributes:
        terms: What each message found must contain (all of them).
        excluded: What no message found may contain.
        authors: ``from:`` usernames, casefolded (any of them).
        places: ``in:`` conversations as typed, ``#slug`` or ``@username``.
        first_day: Messages sent on this day or later (the reader's day).
        last_day: Messages sent on this day or earlier.
        has_file: Only messages with files.
        has_image: Only messages with pictures.
    """

    terms: tuple[Term, ...] = ()
    excluded: tuple[Term, ...] = ()
    authors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    first_day: date | None = None
    last_day: date | None = None
    has_file: bool = False
    has_image: bool = False

    @property
    def empty(self) -> bool:
        """Whether it asks for nothing yet (excluded words alone ask for nothing)."""
        return self == Query(excluded=self.excluded)

    def sent_between(self, zone: tzinfo) -> tuple[int | None, int | None]:
        """The days asked for, as times.

        Args:
            zone: The reader's time zone (whose days they typed).

        Returns:
            The first millisecond allowed and the first one past, or None.
        """

        def start(day: date) -> int:
            return int(datetime(day.year, day.month, day.day, tzinfo=zone).timestamp())

        since = start(self.first_day) * 1000 if self.first_day else None
        until = (
            start(self.last_day + timedelta(days=1)) * 1000 if self.last_day else None
        )
        return since, until


FIRST_YEAR, LAST_YEAR = 1970, 9998


def _day(key: str, value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ChatError("Write the day of {filter}: as 2026-11-30.", filter=key)
    return day


def _with_filter(query: Query, key: str, value: str) -> Query:
    """The query with one filter added (``value`` not empty)."""
    if key == "from":
        return replace(query, authors=(*query.authors, value.lstrip("@").casefold()))
    if key == "in":
        return replace(query, places=(*query.places, value.casefold()))
    if key == "has":
        if value.lower() not in ("file", "image"):
            raise ChatError("has: takes file or image.")
        return replace(query, **{f"has_{value.lower()}": True})
    day = _day(key, value)
    first = day + timedelta(days=1) if key == "after" else day
    last = day - timedelta(days=1) if key == "before" else day
    if key != "before" and (query.first_day is None or first > query.first_day):
        query = replace(query, first_day=first)
    if key != "after" and (query.last_day is None or last < query.last_day):
        query = replace(query, last_day=last)
    return query


def parse(text: object, *, typing: bool = True) -> Query:
    """What a search box's text asks for.

    Words must all be found; ``"exact phrase"``; ``-word`` or ``-"phrase"``
    excluded; ``from:@ana``, ``in:#sala-2`` (or ``in:@ana``, the direct
    conversation), ``before:2026-11-01``, ``after:``, ``on:``, ``has:file``,
    ``has:image``. A word joined by punctuation (``bem-vindo``) is a phrase.
    While the reader types, the last word matches as a beginning.

    Args:
        text: The box's text, as the client sent it.
        typing: Whether the box is still being typed in (the last word unfinished).

    Returns:
        The query.

    Raises:
        ChatError: For text that is not a search, too long, with too many
            words, or a filter written wrong.
    """
    if not isinstance(text, str):
        raise ChatError("That request was not understood.")
    if len(text) > MAX_QUERY_CHARACTERS:
        raise ChatError(
            "A search is at most {limit} characters.", limit=MAX_QUERY_CHARACTERS
        )
    query = Query()
    found = list(_TOKEN.finditer(text))
    unfinished = typing and not text[-1:].isspace()
    for number, token in enumerate(found):
        key = (token["key"] or "").lower()
        if key in FILTERS and not token["minus"]:
            if token["value"]:  # "from:" alone is still being typed
                query = _with_filter(query, key, token["value"])
            continue
        piece = token.group(0).lstrip("-") if key else token["phrase"] or token["bare"]
        said = tuple(folded_words(piece or ""))
        if not said:
            continue
        last = number == len(found) - 1 and unfinished and token["closed"] != '"'
        term = Term(said, prefix=last and len(said[-1]) >= MIN_PREFIX)
        if token["minus"]:
            query = replace(
                query, excluded=(*query.excluded, replace(term, prefix=False))
            )
        else:
            query = replace(query, terms=(*query.terms, term))
    if len(query.terms) + len(query.excluded) > MAX_TERMS:
        raise ChatError("A search takes at most {limit} words.", limit=MAX_TERMS)
    return query


def _matches(word: str, query: Query) -> bool:
    for part in WORD.findall(fold(word)):
        for term in query.terms:
            last = len(term.words) - 1
            for position, wanted in enumerate(term.words):
                if part == wanted or (
                    position == last and term.prefix and part.startswith(wanted)
                ):
                    return True
    return False


def marks(text: str, query: Query, *, cut: bool = True) -> list[tuple[str, bool]]:
    """A text in pieces, each saying whether it is a word the search found.

    Args:
        text: A message's text or a file's name.
        query: The search.
        cut: Whether a long text is cut to the part around its first match.

    Returns:
        (piece, found) pairs that join into the text, or the part shown.
    """
    text = unicodedata.normalize("NFC", text)
    spans = [m.span() for m in WORD.finditer(text) if _matches(m.group(0), query)]
    start, end = 0, len(text)
    if cut and len(text) > SNIPPET_CHARACTERS:
        first = spans[0][0] if spans else 0
        start = max(0, first - SNIPPET_BEFORE)
        while 0 < start < first and not text[start - 1].isspace():
            start += 1  # begin at a word
        end = min(len(text), start + SNIPPET_CHARACTERS)
    pieces: list[tuple[str, bool]] = []
    at = start
    for left, right in spans:
        if left < start or right > end:
            continue
        if left > at:
            pieces.append((text[at:left], False))
        pieces.append((text[left:right], True))
        at = right
    if at < end:
        pieces.append((text[at:end], False))
    if start > 0:
        pieces.insert(0, ("…", False))
    if end < len(text):
        pieces.append(("…", False))
    return pieces
