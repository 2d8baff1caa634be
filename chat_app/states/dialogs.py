"""The dialogs a tab opens over the chat: someone's profile, a picture.

Their handlers refuse through the chat's own guard, so a refusal shows in the
chat's error banner like any other.
"""

import reflex as rx

from chat_app import db, profiles
from chat_app.domain.errors import ChatError
from chat_app.domain.files import is_stored_name
from chat_app.rooms import presence
from chat_app.states.chat import ChatState
from chat_app.states.guard import chat_event


class DialogState(rx.State):
    """Which profile or picture is open, and what it shows."""

    profile_open: rx.Field[bool] = rx.field(False)
    profile_name: rx.Field[str] = rx.field("")
    profile_username: rx.Field[str] = rx.field("")
    profile_email: rx.Field[str] = rx.field("")
    viewer_url: rx.Field[str] = rx.field("")
    viewer_name: rx.Field[str] = rx.field("")

    async def _refuse(self, error: ChatError) -> None:
        """Show a refusal in the chat's error banner (the guard's hook)."""
        await (await self.get_state(ChatState))._fail(error.text)

    @chat_event
    async def show_profile(self, username: str):
        """Open the profile of someone in this tab's room.

        Args:
            username: A username from the room's member list.
        """
        chat = await self.get_state(ChatState)
        room = (await chat._caller()).room
        present = await db.run(presence.members, room) if room else []
        if not isinstance(username, str) or username not in present:
            raise ChatError("That person is not in this room.")
        profile = await db.run(profiles.profile_of, username)
        if profile is None:
            raise ChatError("That account no longer exists.")
        self.profile_name = str(profile["name"])
        self.profile_username = str(profile["username"])
        self.profile_email = str(profile["email"])
        self.profile_open = True

    @chat_event
    async def open_viewer(self, url: str, name: str):
        """Show a picture full size.

        Args:
            url: Its ``/static/<stored name>`` link.
            name: Its original name, for the caption.
        """
        stored = url.removeprefix("/static/") if isinstance(url, str) else ""
        if stored == url or not is_stored_name(stored):
            raise ChatError("That picture cannot be shown.")
        self.viewer_url = url
        self.viewer_name = name if isinstance(name, str) else ""

    @chat_event
    def close_viewer(self, is_open: bool = False):
        """Close the picture viewer.

        Args:
            is_open: The dialog's new state (closing when False).
        """
        if not is_open:
            self.viewer_url = ""

    @chat_event
    def set_profile_open(self, is_open: bool):
        """Open or close the profile dialog.

        Args:
            is_open: Whether it is open.
        """
        self.profile_open = bool(is_open)
