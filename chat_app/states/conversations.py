"""Starting and managing conversations: new rooms, direct messages, members.

Every handler acts as the verified user, and on the room the tab is in when it
manages one (never a room named by the client), through ``rooms.managing``,
which refuses what the user may not see as "not found" and what they may not
change as "not allowed". The people concerned are told on their own channels:
their tabs check again what they may see (``recheck``), so a removed member's
tab leaves the room at once, whatever its page does.
"""

import logging
import time

import reflex as rx

from chat_app import db
from chat_app.domain.conversations import ConversationNotFoundError, configured
from chat_app.domain.errors import ChatError
from chat_app.domain.forms import form_field
from chat_app.domain.room_addresses import room_path
from chat_app.domain.text import Text
from chat_app.realtime import hub, sockets
from chat_app.realtime.roster import announce_members
from chat_app.realtime.views import show_conversations, show_read_state
from chat_app.rooms import conversations, managing, members
from chat_app.rooms.overview import Overview, joinable, overview
from chat_app.settings import get_settings
from chat_app.states import places
from chat_app.states.chat import ChatState
from chat_app.states.dialogs import DialogState
from chat_app.states.guard import chat_event
from chat_app.states.locale import in_language
from chat_app.states.places import ROOM_SLUGS, ROOMS
from chat_app.states.room_addresses import AddressState

logger = logging.getLogger(__name__)

REMOVED = Text("You are no longer a member of that conversation.")


def _now_ms() -> int:
    return int(time.time() * 1000)


class ConversationsState(rx.State):
    """The new-room and room-settings dialogs of a tab, and what they list."""

    new_room_open: rx.Field[bool] = rx.field(False)
    settings_open: rx.Field[bool] = rx.field(False)
    # The open room's members (its settings), and public rooms one may join.
    members: rx.Field[list[str]] = rx.field(default_factory=list)
    public_rooms: rx.Field[list[Overview]] = rx.field(default_factory=list)

    async def _refuse(self, error: ChatError) -> None:
        """Show a refusal in the chat's error banner (the guard's hook)."""
        await (await self.get_state(ChatState))._fail(error.text)

    async def _room(self) -> tuple[ChatState, str]:
        """The tab's state and the room its verified user is in."""
        chat = await self.get_state(ChatState)
        return chat, await chat._room()

    @chat_event
    async def set_new_room_open(self, is_open: bool):
        """Open the new-room dialog, with the public rooms one could join; or close it.

        Args:
            is_open: Whether it is open.
        """
        if is_open is True:
            chat = await self.get_state(ChatState)
            caller = await chat._caller()
            self.public_rooms = await db.run(joinable, username=caller.username)
            chat.error = ""
        self.new_room_open = is_open is True

    @chat_event
    async def create_room(self, form_data: dict):
        """Create a room from the dialog's form and go into it.

        Args:
            form_data: ``name``, ``topic`` and ``private`` (checked: "on").
        """
        chat = await self.get_state(ChatState)
        caller = await chat._caller()
        private = form_field(form_data, "private")
        room = await db.run(
            managing.create_room,
            owner=caller.username,
            name=form_field(form_data, "name"),
            topic=form_field(form_data, "topic") or "",
            private=private in ("on", "true", True),
            configured=ROOMS,
            now_ms=_now_ms(),
            settings=get_settings(),
        )
        logger.info(
            "Room created.", extra={"username": caller.username, "room": room.slug}
        )
        await tell_users([caller.username])
        self.new_room_open = False
        return rx.redirect(room_path(room.slug))

    @chat_event
    async def open_direct(self, username: str):
        """Open the direct conversation with someone (created on first use).

        Args:
            username: The other person's username.
        """
        chat = await self.get_state(ChatState)
        caller = await chat._caller()
        room, created = await db.run(
            managing.open_direct,
            user_id=caller.user_id,
            username=caller.username,
            other=username,
            now_ms=_now_ms(),
            settings=get_settings(),
        )
        if created:  # both lists get it; opening it again tells nobody
            await tell_users([caller.username, room.peer])
        (await self.get_state(DialogState)).profile_open = False
        return rx.redirect(room_path(room.slug))

    @chat_event
    async def set_settings_open(self, is_open: bool):
        """Open the settings of the room the tab is in, with its members; or close.

        Args:
            is_open: Whether it is open.
        """
        if is_open is True:
            chat, room = await self._room()
            self.members = await db.run(members.members_of, room=room)
            chat.error = ""
        self.settings_open = is_open is True

    @chat_event
    async def invite(self, form_data: dict):
        """Add someone to the room the tab is in (its owner only).

        Args:
            form_data: ``username``: who to add.
        """
        chat, room = await self._room()
        added = await db.run(
            managing.invite,
            slug=room,
            owner=chat.username,
            invitee=form_field(form_data, "username"),
            configured=ROOMS,
            now_ms=_now_ms(),
            settings=get_settings(),
        )
        logger.info(
            "Member added.",
            extra={"username": chat.username, "room": room, "member": added},
        )
        await tell_users([added])
        self.members = await db.run(members.members_of, room=room)

    @chat_event
    async def remove_member(self, username: str):
        """Take someone out of the private room the tab is in (its owner only).

        Their tabs in it leave it at once: the server moves their sockets out
        and asks them to check where they may be.

        Args:
            username: The member to remove.
        """
        chat, room = await self._room()
        removed, sids = await db.run(
            managing.remove_member,
            slug=room,
            owner=chat.username,
            member=username,
            configured=ROOMS,
            now_ms=_now_ms(),
        )
        logger.info(
            "Member removed.",
            extra={"username": chat.username, "room": room, "member": removed},
        )
        await hub.reseat(sids, room=None, events=[RECHECK_EVENT])
        await tell_users([removed])
        announce_members(room)
        self.members = await db.run(members.members_of, room=room)

    @chat_event
    async def change_room(self, form_data: dict):
        """Rename the room the tab is in, or change its topic (its owner only).

        Args:
            form_data: ``name`` and ``topic``.
        """
        chat, room = await self._room()
        await db.run(
            managing.change,
            slug=room,
            owner=chat.username,
            name=form_field(form_data, "name"),
            topic=form_field(form_data, "topic") or "",
            configured=ROOMS,
        )
        await tell_room(room)

    @chat_event
    async def archive_room(self):
        """Archive the room the tab is in (its owner only): read-only from now."""
        chat, room = await self._room()
        await db.run(
            managing.archive,
            slug=room,
            owner=chat.username,
            configured=ROOMS,
            now_ms=_now_ms(),
        )
        logger.info("Room archived.", extra={"username": chat.username, "room": room})
        self.settings_open = False
        await tell_room(room)

    @chat_event
    async def leave_membership(self):
        """Stop belonging to the room the tab is in, and go to the first room.

        The user's tabs go to the first room before the membership ends (the
        server moves them, as any entry does), so none keeps a seat in a room
        it may no longer read or write in, and none rejoins a public one.
        """
        chat, room = await self._room()
        caller = await chat._caller()
        first = configured(ROOMS[0])
        await db.run(
            managing.check_leave, slug=room, username=caller.username, configured=ROOMS
        )
        await chat._move_to(first, caller)
        await db.run(
            managing.leave, slug=room, username=caller.username, configured=ROOMS
        )
        self.settings_open = False
        await tell_users([caller.username])
        chat._address = room_path(first.slug)
        return rx.redirect(chat._address)

    @chat_event
    async def recheck(self):
        """Check again what this tab may see: its room, its list of conversations.

        Sent by the server to the tabs of people whose conversations changed
        (added, removed, renamed, archived). A tab showing a conversation its
        user may no longer see is taken to the first room, saying why.
        """
        chat = await self.get_state(ChatState)
        caller = await chat._caller()
        if chat.room_slug:
            try:
                room = await db.run(
                    conversations.find,
                    slug=chat.room_slug,
                    username=caller.username,
                    configured=ROOMS,
                )
            except ConversationNotFoundError:
                if caller.room == chat.room_slug:
                    await chat._depart()
                address = await self.get_state(AddressState)
                address._notice = await in_language(self, REMOVED)
                return rx.redirect(room_path(ROOM_SLUGS[0]))
            places.show(chat, room)
        lines = await db.run(overview, username=caller.username, configured=ROOMS)
        sid = chat.rx_router_session.session_id
        await show_conversations(sid, lines)
        # The counts of conversations that came or went with the list.
        await show_read_state(sid, caller.username, ROOM_SLUGS)
        return None


async def tell_users(usernames: list[str]) -> None:
    """Have every tab of some people check their conversations again.

    Args:
        usernames: The people.
    """
    for username in dict.fromkeys(usernames):
        if username:
            await hub.publish(sockets.user_channel(username), events=[RECHECK_EVENT])


async def tell_room(room: str) -> None:
    """Have a room's members' tabs check it again (those in it among them).

    A tab is in a created room only as a member's (entering makes one), so
    its members' own channels reach every tab concerned, each once.

    Args:
        room: The room's slug.
    """
    await tell_users(await db.run(members.members_of, room=room))


RECHECK_EVENT = sockets.tab_event(f"{ConversationsState.get_full_name()}.recheck")
