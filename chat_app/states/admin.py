"""The admin screen (``/admin``): people to ban or mute, and the moderation log.

Only administrators (``CHAT_ADMINS``) load it or act from it: every handler
checks the verified session's account against the settings, and the services
check again. Whom to act on is an argument (a username), checked like any
other: not oneself, no administrator, someone who exists.
"""

import logging
import time

import reflex as rx

from chat_app import db, sessions
from chat_app.domain.errors import ChatError
from chat_app.domain.moderation import (
    DEFAULT_MUTE,
    Entry,
    NotAdminError,
    PersonStatus,
    check_admin,
    mute_seconds,
    valid_reason,
)
from chat_app.domain.text import Text
from chat_app.rooms import moderation
from chat_app.settings import get_settings
from chat_app.states.chat import ChatState
from chat_app.states.guard import chat_event
from chat_app.states.locale import in_language

logger = logging.getLogger(__name__)


class AdminState(rx.State):
    """What the admin screen shows: whether it may, the people, the log."""

    # Whether the server found the caller to be an administrator (the page's
    # content waits for it; nothing is listed otherwise).
    allowed: rx.Field[bool] = rx.field(False)
    # Whether the check was made (until then the page shows a spinner).
    checked: rx.Field[bool] = rx.field(False)
    query: rx.Field[str] = rx.field("")
    reason: rx.Field[str] = rx.field("")
    mute_choice: rx.Field[str] = rx.field(DEFAULT_MUTE)
    people: rx.Field[list[PersonStatus]] = rx.field(default_factory=list)
    entries: rx.Field[list[Entry]] = rx.field(default_factory=list)
    # What the last action did, in the tab's language ("" for nothing).
    notice: rx.Field[str] = rx.field("")

    async def _refuse(self, error: ChatError) -> None:
        """Show a refusal in the page's error banner (the guard's hook)."""
        self.notice = ""
        await (await self.get_state(ChatState))._fail(error.text)

    async def _admin(self) -> str:
        """The verified caller, if an administrator; refused otherwise.

        Raises:
            SignedOut: If the session is not valid.
            NotAdminError: If the caller is no administrator (the page then
                shows nothing of the people or the log).
        """
        chat = await self.get_state(ChatState)
        username = (await chat._caller()).username
        try:
            check_admin(username, get_settings().admins)
        except NotAdminError:
            self.allowed, self.checked = False, True
            self.people, self.entries = [], []
            raise
        self.allowed, self.checked = True, True
        return username

    async def _show(self, admin: str) -> None:
        """List the people matching the search, and the latest log entries."""
        settings = get_settings()
        self.people = await db.run(
            moderation.people,
            admin=admin,
            query=self.query,
            admins=settings.admins,
            now_ms=int(time.time() * 1000),
        )
        self.entries = await db.run(moderation.log, admin=admin, admins=settings.admins)

    @chat_event
    async def load(self):
        """Check the caller and show the screen (the page's load)."""
        self.notice = ""
        await self._show(await self._admin())

    @chat_event
    async def search(self, query: str):
        """List the people whose username or name starts with a text.

        Args:
            query: The start looked for ("" for everyone).
        """
        admin = await self._admin()
        self.query = query[:64] if isinstance(query, str) else ""
        await self._show(admin)

    @chat_event
    async def set_reason(self, value: str):
        """Keep the reason typed for the next actions (optional).

        Args:
            value: The text typed.
        """
        await self._admin()
        self.reason = valid_reason(value)

    @chat_event
    async def set_mute_choice(self, choice: str):
        """Choose how long the next mute lasts.

        Args:
            choice: A key of ``domain.moderation.MUTE_CHOICES``.
        """
        await self._admin()
        mute_seconds(choice)
        self.mute_choice = choice

    async def _done(self, admin: str, entry: Entry, notice: Text) -> None:
        """After an action: log it, say it, list everything again."""
        logger.info(
            "Moderation.",
            extra={"username": admin, "action": entry.action, "target": entry.target},
        )
        await self._show(admin)
        self.notice = await in_language(self, notice)
        (await self.get_state(ChatState)).error = ""

    @chat_event
    async def ban(self, username: str):
        """Ban a person: their sessions end, their tabs go to the login page.

        Args:
            username: The person.
        """
        admin = await self._admin()
        settings = get_settings()
        entry, user_id = await db.run(
            moderation.ban,
            admin=admin,
            username=username,
            reason=self.reason,
            admins=settings.admins,
            now_ms=int(time.time() * 1000),
        )
        # This process knows at once; the others at their next presence tick,
        # when the sweep evicts the person's tabs wherever they are.
        sessions.REVOKED.ban(user_id)
        await self._done(
            admin, entry, Text("{username} was banned.", {"username": entry.target})
        )

    @chat_event
    async def unban(self, username: str):
        """Let a banned person log in again.

        Args:
            username: The person.
        """
        admin = await self._admin()
        entry = await db.run(
            moderation.unban,
            admin=admin,
            username=username,
            reason=self.reason,
            admins=get_settings().admins,
            now_ms=int(time.time() * 1000),
        )
        notice = Text("{username} may log in again.", {"username": entry.target})
        await self._done(admin, entry, notice)

    @chat_event
    async def mute(self, username: str):
        """Mute a person for the chosen time: no messages, edits or reactions.

        Args:
            username: The person.
        """
        admin = await self._admin()
        entry = await db.run(
            moderation.mute,
            admin=admin,
            username=username,
            seconds=mute_seconds(self.mute_choice),
            reason=self.reason,
            admins=get_settings().admins,
            now_ms=int(time.time() * 1000),
        )
        await self._done(
            admin, entry, Text("{username} was muted.", {"username": entry.target})
        )

    @chat_event
    async def unmute(self, username: str):
        """End a person's mute now.

        Args:
            username: The person.
        """
        admin = await self._admin()
        entry = await db.run(
            moderation.unmute,
            admin=admin,
            username=username,
            reason=self.reason,
            admins=get_settings().admins,
            now_ms=int(time.time() * 1000),
        )
        notice = Text("{username} may write again.", {"username": entry.target})
        await self._done(admin, entry, notice)
