"""The browser's session: sign up, log in, and the pages for people logged out.

The token lives in localStorage, shared by the browser's tabs; the server
verifies it at every chat event (see ``states.chat``).
"""

import time
from typing import Any

import reflex as rx

from chat_app import accounts, db, i18n, sessions
from chat_app.accounts import FieldError
from chat_app.domain.errors import ChatError
from chat_app.domain.forms import form_field
from chat_app.domain.room_addresses import after_login
from chat_app.models import User
from chat_app.security import AuthError
from chat_app.settings import get_settings
from chat_app.states.guard import chat_event


class AuthState(rx.State):
    """The browser's session token, and what the login forms show."""

    session_token: str = rx.LocalStorage("", name="chat_session", sync=True)
    auth_error: rx.Field[str] = rx.field("")
    auth_field: rx.Field[str] = rx.field("")

    def _client(self) -> str:
        return self.rx_router_session.client_ip or "unknown"

    async def verified_user(self) -> User:
        """The account behind this browser's token, checked now.

        Returns:
            The user.

        Raises:
            AuthError: If the token is missing, forged, expired or revoked.
        """
        user, _ = await db.run(
            sessions.verify_session,
            self.session_token,
            settings=get_settings(),
            now=time.time(),
        )
        return user

    def _signed_in(self, signed_in: accounts.SignedIn):
        self.session_token = signed_in.token
        self.auth_error = ""
        self.auth_field = ""
        return rx.redirect(after_login(self.router.url.query))

    async def _refuse(self, error: ChatError) -> None:
        """Show a refusal on the form (the guard's hook)."""
        await self._refused(error)

    async def _refused(self, error: ChatError, field: str = "") -> None:
        self.auth_error = i18n.translate(error.text, await self._language())
        self.auth_field = field

    async def _language(self) -> str:
        from chat_app.states.locale import LocaleState  # which imports this module

        return (await self.get_state(LocaleState)).lang

    @chat_event
    async def log_in(self, form_data: dict[str, Any]):
        """Log in with a username or email and a password.

        Args:
            form_data: The login form: ``login`` and ``password``.
        """
        try:
            signed_in = await db.run(
                accounts.log_in,
                form_field(form_data, "login"),
                form_field(form_data, "password"),
                client=self._client(),
                settings=get_settings(),
                now=time.time(),
            )
        except AuthError as error:
            await self._refused(error)
            return None
        return self._signed_in(signed_in)

    @chat_event
    async def sign_up(self, form_data: dict[str, Any]):
        """Create an account and log it in.

        Args:
            form_data: The registration form: name, username, email, password.
        """
        fields = form_data if isinstance(form_data, dict) else {}
        # The account keeps the language its registration page was shown in.
        fields = {**fields, "language": await self._language()}
        try:
            signed_in = await db.run(
                accounts.sign_up,
                fields,
                client=self._client(),
                settings=get_settings(),
                now=time.time(),
            )
        except FieldError as error:
            await self._refused(error, error.field)
            return None
        return self._signed_in(signed_in)

    @chat_event
    async def skip_if_signed_in(self):
        """On the login and registration pages: go to the chat if already in."""
        self.auth_error = ""
        self.auth_field = ""
        if not self.session_token:
            return None
        try:
            await self.verified_user()
        except AuthError:
            self.session_token = ""
            return None
        return rx.redirect(after_login(self.router.url.query))
