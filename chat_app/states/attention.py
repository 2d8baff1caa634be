"""A person's notification and sound settings, as their tabs show and follow them.

Who is changing them is the verified session's account, never an argument; a
change is saved on the account and the person's other tabs load it again (the
browser's ``assets/attention.js`` reads the settings from the page).
"""

import dataclasses
import logging
import time

import reflex as rx

from chat_app import attention, db
from chat_app.domain.attention import (
    DEFAULT_NOTIFY,
    AttentionSettings,
    check_pace,
    checked_choice,
    checked_switch,
)
from chat_app.domain.errors import ChatError
from chat_app.realtime import hub, sockets
from chat_app.states.chat import ChatState
from chat_app.states.guard import chat_event

logger = logging.getLogger(__name__)


class AttentionState(rx.State):
    """What the signed-in person is told of, and how."""

    notify: rx.Field[str] = rx.field(DEFAULT_NOTIFY)
    preview: rx.Field[bool] = rx.field(True)
    sound: rx.Field[bool] = rx.field(True)
    # When this tab's latest changes were saved, for its pace.
    _saved: tuple[float, ...] = ()

    async def _refuse(self, error: ChatError) -> None:
        """Show a refusal in the chat's error banner (the guard's hook)."""
        await (await self.get_state(ChatState))._fail(error.text)

    def _show(self, settings: AttentionSettings) -> None:
        self.notify = settings.notify
        self.preview = settings.preview
        self.sound = settings.sound

    @chat_event
    async def load(self):
        """Show the settings as the account has them.

        Run when the chat appears, and in every other tab of the person when one
        of them changed a setting.
        """
        caller = await (await self.get_state(ChatState))._caller()
        self._show(await db.run(attention.settings_of, caller.user_id))

    async def _save(
        self,
        *,
        notify: str | None = None,
        preview: bool | None = None,
        sound: bool | None = None,
    ) -> None:
        """Save settings on the account; the person's other tabs load them."""
        # Counted before anything reaches the database, even the identity check.
        self._saved = check_pace(self._saved, now=time.time())
        caller = await (await self.get_state(ChatState))._caller()
        saved = await db.run(
            attention.save_settings,
            caller.user_id,
            notify=notify,
            preview=preview,
            sound=sound,
        )
        self._show(saved)
        logger.info(
            "Notification settings saved.",
            extra={"username": caller.username, **dataclasses.asdict(saved)},
        )
        await hub.publish(
            sockets.user_channel(caller.username),
            events=[LOAD_EVENT],
            skip_sid=self.rx_router_session.session_id,
        )

    @chat_event
    async def choose(self, choice: str):
        """Be told of all messages, of mentions only, or of nothing.

        Args:
            choice: One of ``domain.attention.NOTIFY_CHOICES``.
        """
        await self._save(notify=checked_choice(choice))

    @chat_event
    async def show_preview(self, on: bool):
        """Show the message's text in notifications, or not.

        Args:
            on: Whether to show it.
        """
        await self._save(preview=checked_switch(on))

    @chat_event
    async def play_sound(self, on: bool):
        """Play a sound with notifications, or not.

        Args:
            on: Whether to play it.
        """
        await self._save(sound=checked_switch(on))


# Sent to a person's other tabs to have them show the settings as they are now.
LOAD_EVENT = sockets.tab_event(f"{AttentionState.get_full_name()}.load")
