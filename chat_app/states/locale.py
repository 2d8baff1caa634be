"""The tab's language: the account's, else this browser's choice, else its own.

Every page settles it when it loads. Switching it here saves it on the account
and every other tab of the user follows.
"""

import time

import reflex as rx

from chat_app import db, i18n, profiles
from chat_app.domain.errors import ChatError
from chat_app.domain.text import Text
from chat_app.realtime import hub, sockets
from chat_app.security import AuthError
from chat_app.settings import get_settings
from chat_app.states.auth import AuthState
from chat_app.states.guard import chat_event

# A year: the choice outlives sessions, as a browser's language does.
CHOICE_SECONDS = 365 * 24 * 3600


class LocaleState(rx.State):
    """The language the tab shows (``i18n.LANGUAGES``)."""

    lang: rx.Field[str] = rx.field(i18n.DEFAULT_LANGUAGE)
    # This browser's last choice, for the pages before logging in.
    chosen: str = rx.Cookie(
        "", name="chat_lang", max_age=CHOICE_SECONDS, same_site="lax", path="/"
    )

    async def _refuse(self, error: ChatError) -> None:
        """Show a refusal in the chat's banner (the guard's hook)."""
        from chat_app.states.chat import ChatState  # which imports this module

        await (await self.get_state(ChatState))._fail(error.text)

    def _show(self, language: str) -> None:
        self.lang = language
        self.chosen = language

    @chat_event
    def settle(self):
        """On every page's load: this browser's choice, or its ``Accept-Language``."""
        if self.chosen in i18n.LANGUAGES:
            self.lang = self.chosen
        else:
            self.lang = i18n.negotiate(self.router.headers.accept_language)

    async def adopt(self, language: str | None) -> None:
        """Show the account's language, or save this tab's on an account without one.

        Args:
            language: The language the account chose, or None.
        """
        if language in i18n.LANGUAGES:
            self._show(language)
            return
        auth = await self.get_state(AuthState)
        await db.run(
            profiles.set_language,
            auth.session_token,
            self.lang,
            settings=get_settings(),
            now=time.time(),
        )

    @chat_event
    async def switch(self, language: str):
        """Show another language; signed in, save it and have the user's tabs follow.

        Args:
            language: One of ``i18n.LANGUAGES``.
        """
        if language not in i18n.LANGUAGES:
            raise ChatError("That language is not available.")
        self._show(language)
        auth = await self.get_state(AuthState)
        if not auth.session_token:
            return
        try:
            username = await db.run(
                profiles.set_language,
                auth.session_token,
                language,
                settings=get_settings(),
                now=time.time(),
            )
        except AuthError:
            return  # logged out: the choice stays with this browser
        await hub.publish(
            sockets.user_channel(username),
            events=[follow_event(language)],
            skip_sid=self.rx_router_session.session_id,
        )

    @chat_event
    def follow(self, language: str):
        """Show the language another tab of the user switched to.

        Args:
            language: One of ``i18n.LANGUAGES``; anything else is ignored.
        """
        if language in i18n.LANGUAGES:
            self._show(language)


async def in_language(state: rx.State, text: Text) -> str:
    """A message in the language of a state's tab.

    Args:
        state: Any state of the tab.
        text: The message.

    Returns:
        The translated text.
    """
    return i18n.translate(text, (await state.get_state(LocaleState)).lang)


def follow_event(language: str) -> dict[str, object]:
    """The event that has a tab follow a language switch made in another one.

    Args:
        language: The language.

    Returns:
        The event, as Reflex's client expects it.
    """
    event = sockets.tab_event(f"{LocaleState.get_full_name()}.follow")
    return {**event, "payload": {"language": language}}
