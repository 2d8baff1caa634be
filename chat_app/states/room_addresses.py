"""Opening a room's address: ``/``, ``/rooms/<slug>`` or ``/rooms/<slug>/<number>``.

Every chat page loads through here, so the address bar, Back and Forward,
bookmarks and links all move a tab the way the rooms menu does (the menu's
rooms are links). The address is only a wish: the server checks the session,
enters the room like any other entry (the user's other tabs follow) and looks
for the message in it.
"""

import reflex as rx

from chat_app.domain.errors import ChatError
from chat_app.domain.room_addresses import read_address, room_path
from chat_app.domain.text import Text
from chat_app.states.chat import ROOMS, ChatState
from chat_app.states.guard import chat_event
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

        ``/`` goes to the room the user's other tabs are in (or the first
        room), never pulling them elsewhere; an unknown room's address says so
        and goes there too; a message's address enters its room and brings the
        message into view, highlighted, with what came after it loaded.
        """
        chat = await self.get_state(ChatState)
        caller = await chat._caller()
        await (await self.get_state(LocaleState)).adopt(caller.language)
        address = read_address(self.router.url.path)
        room = next((r for r in ROOMS if r.slug == address.slug), None)
        if room is None:
            home = caller.room or caller.user_room or ROOMS[0].slug
            if address.slug is not None:
                self._notice = await in_language(self, NO_SUCH_ROOM)
            return rx.redirect(room_path(home), replace=True)
        if caller.room is not None and caller.room != room.slug:
            await chat._depart()
        await chat._enter(room, caller)
        if self._notice:
            chat.error, self._notice = self._notice, ""
        if address.number is None:
            return None
        # A number the room does not have is refused like a quote's jump: the
        # room stays open, the banner says the message is not in it.
        history = await self.get_state(HistoryState)
        return await history._bring(chat, room.slug, address.number)
