"""The people a tab's ``@`` may mention, for what was typed after it.

The browser asks at each pause in typing (``assets/mentions.js``); a query that
cannot be the start of a username finds no one, without an error: it is only
typing.
"""

import time

import reflex as rx

from chat_app import db
from chat_app.domain.errors import ChatError
from chat_app.domain.limits import seconds_to_wait
from chat_app.domain.people import Person, mention_query
from chat_app.rooms import people
from chat_app.states.chat import ChatState
from chat_app.states.guard import chat_event

# Queries one tab may send to the database per second.
FIND_LIMIT = 8


class PeopleState(rx.State):
    """The people listed for the query the tab last asked about."""

    # The query the list answers (case-folded): the browser narrows the list
    # down while the answer to a longer one is on its way.
    query: rx.Field[str] = rx.field("")
    people: rx.Field[list[Person]] = rx.field(default_factory=list)
    # When the latest queries reached the database, for the tab's limit.
    _asked: tuple[float, ...] = ()

    async def _refuse(self, error: ChatError) -> None:
        """Show a refusal in the chat's error banner (the guard's hook)."""
        await (await self.get_state(ChatState))._fail(error.text)

    @chat_event
    async def find(self, query: str):
        """List the people whose username or name starts with the query.

        The room's members first, then everyone else; the asker is the verified
        session's user, and their room the one the server has the tab in.

        Args:
            query: What follows the ``@`` ("" lists everyone).
        """
        chat = await self.get_state(ChatState)
        asker = await chat._signed_in()
        wanted = mention_query(query)
        if wanted is None:
            self.query, self.people = "", []
            return
        # A person pauses a few times a second at most; a client asking faster
        # is answered by the next pause, without another database visit.
        now = time.time()
        if seconds_to_wait(self._asked, now=now, limit=FIND_LIMIT, window=1.0):
            return
        self._asked = (*self._asked, now)[-FIND_LIMIT:]
        self.people = await db.run(
            people.find_people,
            query=wanted,
            room=chat.room_slug or None,
            asker=asker,
        )
        self.query = wanted
