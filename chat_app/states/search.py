"""The search box of a tab: results as the person types, a page at a time.

Each search runs as the verified user over what they may read
(``rooms.search``); the client sends only the box's text and its time zone (whose
days ``before:``/``after:``/``on:`` name). What the previous page ended on stays
here, never with the client. A refusal (a filter written wrong, a conversation
one cannot read, too many searches) shows under the box and changes nothing.
"""

import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import reflex as rx

from chat_app import db
from chat_app.domain.errors import ChatError
from chat_app.domain.limits import seconds_to_wait
from chat_app.domain.search import Query, parse
from chat_app.rooms.search import Hit, search
from chat_app.settings import get_settings
from chat_app.states.chat import ChatState
from chat_app.states.guard import chat_event
from chat_app.states.locale import in_language
from chat_app.states.places import ROOMS

# A tab holds at most this many results; past them, the reader narrows the search.
MAX_RESULTS = 100
UTC = ZoneInfo("UTC")


def _zone(name: object) -> ZoneInfo:
    """The reader's time zone, as their browser names it (UTC if it makes none)."""
    if not isinstance(name, str) or not 0 < len(name) <= 64:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


class SearchState(rx.State):
    """A tab's search: its results, and whether more can be shown.

    The box itself opens and closes in the browser alone (nothing to ask the
    server): typing right after Ctrl+K is never lost.
    """

    text: rx.Field[str] = rx.field("")
    hits: rx.Field[list[Hit]] = rx.field(default_factory=list)
    # Whether the search ran and found what ``hits`` holds (an empty list is
    # then "nothing found"), and whether a next page exists.
    searched: rx.Field[bool] = rx.field(False)
    more: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")

    _query: Query = Query()
    _zone_name: str = "UTC"
    _after: int | None = None
    _asked: tuple[float, ...] = ()

    async def _refuse(self, error: ChatError) -> None:
        """Show a refusal under the box (the guard's hook); the results stay."""
        self.error = await in_language(self, error.text)

    def _count(self) -> None:
        """Count a search toward the tab's limit, before the database is asked."""
        settings = get_settings()
        now = time.time()
        wait = seconds_to_wait(
            self._asked,
            now=now,
            limit=settings.search_rate_limit,
            window=settings.search_rate_window_seconds,
        )
        if wait:
            raise ChatError("Slow down: search again in {wait} s.", wait=wait)
        self._asked = (*self._asked, now)[-settings.search_rate_limit :]

    @chat_event
    async def search(self, text: str, zone: str = "UTC"):
        """Show the first page of what the box's text finds, newest first.

        Args:
            text: The box's text (the last word, unfinished, matches beginnings).
            zone: The browser's time zone (IANA name).
        """
        query = parse(text)
        self.text = text
        self.error = ""
        if query.empty:
            self.hits, self.searched, self.more, self._after = [], False, False, None
            return
        self._count()
        found = await self._run(query, str(_zone(zone)), after=None)
        self.hits = found.hits
        self.searched = True

    @chat_event
    async def more_results(self):
        """Add the next page of the search shown."""
        if self._after is None or not self.searched:
            return
        if len(self.hits) >= MAX_RESULTS:
            raise ChatError("That is as many results as a search shows: narrow it.")
        self._count()
        found = await self._run(self._query, self._zone_name, after=self._after)
        self.hits = [*self.hits, *found.hits]
        self.error = ""

    async def _run(self, query: Query, zone_name: str, *, after: int | None):
        """Search as the verified user; keep the search and where its page ended.

        A refused search (an ``in:`` conversation one cannot read) keeps none of
        it: "more results" goes on with the search whose results are shown.
        """
        caller = await (await self.get_state(ChatState))._caller()
        found = await db.run(
            search,
            query=query,
            username=caller.username,
            user_id=caller.user_id,
            zone=_zone(zone_name),
            configured=ROOMS,
            after=after,
        )
        self._query, self._zone_name = query, zone_name
        self._after = found.after
        shown = (0 if after is None else len(self.hits)) + len(found.hits)
        self.more = found.after is not None and shown < MAX_RESULTS
        return found
