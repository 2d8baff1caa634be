"""A person's own profile: the display name and picture they show the others.

The picture travels over HTTP (``POST /api/profile/avatar``, sent by
``assets/profile.js`` before the form reaches the server); this state saves the
name, shows what is stored, and tells the room and the person's other tabs when
either changed. Who is saving is the verified session's account, never an
argument.
"""

import logging
from typing import Any

import reflex as rx

from chat_app import db, profiles
from chat_app.domain.errors import ChatError
from chat_app.domain.files import stored_version
from chat_app.domain.forms import form_field
from chat_app.domain.validation import validate_name
from chat_app.realtime import hub, sockets
from chat_app.realtime.roster import announce_members
from chat_app.settings import get_settings
from chat_app.states.chat import ChatState
from chat_app.states.guard import chat_event
from chat_app.states.locale import in_language

logger = logging.getLogger(__name__)


class ProfileState(rx.State):
    """The signed-in person's name and picture, and the profile dialog."""

    name: rx.Field[str] = rx.field("")
    # The version of their picture (``/api/avatars/<username>?v=<version>``),
    # "" without one.
    avatar_version: rx.Field[str] = rx.field("")
    is_open: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")
    # What the browser checks before uploading; the server checks it again.
    max_avatar_bytes: rx.Field[int] = rx.field(get_settings().max_avatar_bytes)

    async def _refuse(self, error: ChatError) -> None:
        """Show a refusal in the profile dialog (the guard's hook)."""
        self.error = await in_language(self, error.text)
        chat = await self.get_state(ChatState)
        logger.warning(
            "Profile change refused.",
            extra={"username": chat.username or None, "reason": str(error)},
        )

    async def _show(self, user_id: int) -> None:
        """Show the account's name and picture as the database has them."""
        profile = await db.run(profiles.own_profile, user_id)
        if profile is None:
            raise ChatError("This account no longer exists.")
        self.name = profile.name
        self.avatar_version = stored_version(profile.avatar) if profile.avatar else ""

    @chat_event
    async def load(self):
        """Show the signed-in person's name and picture.

        Run when the chat appears, and in every other tab of the person when one
        of them changed the profile.
        """
        caller = await (await self.get_state(ChatState))._caller()
        await self._show(caller.user_id)

    @chat_event
    async def set_open(self, is_open: bool):
        """Open the profile dialog with what is stored now, or close it.

        Args:
            is_open: Whether it is open.
        """
        if not isinstance(is_open, bool):
            raise ChatError("That request was not understood.")
        if is_open:
            caller = await (await self.get_state(ChatState))._caller()
            await self._show(caller.user_id)
        self.error = ""
        self.is_open = is_open

    @chat_event
    async def save(self, form_data: dict[str, Any]):
        """Save the display name; show the picture the page uploaded, if any.

        The room hears of a new picture, and the person's other tabs show what
        changed.

        Args:
            form_data: The dialog's form; ``name`` is the display name.
        """
        caller = await (await self.get_state(ChatState))._caller()
        version, renamed = self.avatar_version, False
        try:
            name = validate_name(form_field(form_data, "name"))
            renamed = await db.run(profiles.rename, caller.user_id, name)
            self.error = ""
            self.is_open = False
            logger.info("Profile saved.", extra={"username": caller.username})
        finally:
            # Whatever became of the name, a picture the page uploaded is shown.
            await self._show(caller.user_id)
            pictured = self.avatar_version != version
            if pictured and caller.room is not None:
                announce_members(caller.room)
            if renamed or pictured:
                await hub.publish(
                    sockets.user_channel(caller.username),
                    events=[LOAD_EVENT],
                    skip_sid=self.rx_router_session.session_id,
                )


# Sent to a person's other tabs to have them show the profile as it is now.
LOAD_EVENT = sockets.tab_event(f"{ProfileState.get_full_name()}.load")
