"""Opening a room's address: ``/``, ``/rooms/<slug>`` or ``/rooms/<slug>/<number>``.

Every chat page loads through here, so the address bar, Back and Forward,
bookmarks and links all move a tab the way the rooms menu does (the menu's
rooms are links). The address is only a wish: the server checks the session,
enters the room like any other entry (the user's other tabs follow) and looks
for the message in it.
"""

import reflex as rx

from chat_app.domain.errors import ChatError
from chat_app.domain.room_addresses import (
    home_room,
    login_path,
    read_address,
    room_path,
)
from chat_app.domain.text import Text
from chat_app.states import places
from chat_app.states.chat import ChatState
from chat_app.states.guard import SignedOut, chat_event
from chat_app.states.history import HistoryState
from chat_app.states.locale import LocaleState, in_language

NO_SUCH_ROOM = Text("There is no room at that address.")


class AddressState(rx.State):
    """Enters the room a chat page's address names."""

    # Why the last address was not followed, shown once its replacement loads.
    _notice: str = ""

    async def _refuse(self, error: ChatError) -> None:
        """Show a refusal in the chat's error banner (the guard's hook)."""
        await (await self.get_state(ChatState))._fail(error.text)

    @chat_event
    async def open_address(self):
        """When a chat page loads: back to login without a session, else enter.

        An address the tab asks for (a link, the rooms menu, Back, a bookmark,
        a new tab) enters its room, the user's other tabs following, and a
        message's brings the message into view, highlighted, with what came
        after it loaded. The address the tab already had (a reload, a
        reconnect, a room the server took it to) shows the room the user is in
        now and moves no one. ``/`` and an unknown room's address (which says
        so) go to the user's room.
        """
        chat = await self.get_state(ChatState)
        try:
            caller = await chat._caller()
        except SignedOut:  # after logging in, the address opens
            return rx.redirect(login_path(self.router.url.path))
        await (await self.get_state(LocaleState)).adopt(caller.language)
        path = self.router.url.path
        address = read_address(path)
        spots = await places.reachable(
            address.slug, caller.room, caller.user_room, username=caller.username
        )
        asked = address.slug in spots and path != chat._address
        home = home_room(
            spots,
            address.slug if asked else None,
            caller.room,
            caller.user_room,
            address.slug,
        )
        if home != address.slug:
            if address.slug is not None and address.slug not in spots:
                self._notice = await in_language(self, NO_SUCH_ROOM)
            chat._address = room_path(home)
            return rx.redirect(chat._address, replace=True)
        room = await places.conversation(caller.username, home)
        await chat._move_to(room, caller)
        chat._address = path
        if self._notice:
            chat.error, self._notice = self._notice, ""
        if address.number is None or not asked:
            return None  # a reload does not take the reader back to the message
        # A number the room does not have is refused like a quote's jump: the
        # room stays open, the banner says the message is not in it.
        history = await self.get_state(HistoryState)
        return await history._bring(chat, room.slug, address.number)
