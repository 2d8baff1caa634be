"""The registration form's refusals, on an AuthState instantiated directly."""

import asyncio
from types import SimpleNamespace

import pytest
import reflex as rx

from chat_app import db, sessions
from chat_app import settings as chat_settings
from chat_app.states import auth as auth_module
from chat_app.states.auth import AuthState
from chat_app.states.locale import LocaleState

NOW = 1_800_000_000.0

FORM = {
    "name": "Ana",
    "username": "ana",
    "email": "ana@example.com",
    "password": "password-1",
}


@pytest.fixture
def auth(settings, monkeypatch):
    """The page's AuthState over a migrated database (SQLite, then PostgreSQL)."""
    monkeypatch.setenv("CHAT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CHAT_JWT_SECRET", "t" * 32)
    monkeypatch.setenv("CHAT_BCRYPT_ROUNDS", "4")
    monkeypatch.setenv("CHAT_REGISTRATION_MAX_PER_ADDRESS", "2")
    # A fixed clock: the wait the form shows depends on no call's duration.
    monkeypatch.setattr(auth_module, "time", SimpleNamespace(time=lambda: NOW))
    chat_settings.get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.upgrade(settings.database_url)
    root = rx.State(_reflex_internal_init=True)  # pyright: ignore[reportCallIssue]
    state = root.substates[AuthState.get_name()]
    assert isinstance(state, AuthState)
    root.substates[LocaleState.get_name()].lang = "en"
    yield state
    db.get_engine().dispose()
    db.get_engine.cache_clear()
    chat_settings.get_settings.cache_clear()


def test_the_form_says_taken_without_naming_the_field_then_when_to_retry(auth):
    asyncio.run(auth.sign_up(FORM))
    assert auth.auth_error == ""
    asyncio.run(auth.sign_up({**FORM, "username": "other"}))
    assert "already taken" in auth.auth_error
    assert auth.auth_field == ""
    asyncio.run(auth.sign_up({**FORM, "username": "bia", "email": "b@example.com"}))
    assert "try again in 3600 s" in auth.auth_error
    assert auth.auth_field == ""


def test_refusals_are_in_the_tab_s_language_and_the_account_keeps_it(auth):
    asyncio.run(auth.sign_up(FORM))
    locale = auth.parent_state.substates[LocaleState.get_name()]  # pyright: ignore[reportOptionalMemberAccess]
    locale.lang = "pt-BR"
    asyncio.run(auth.sign_up({**FORM, "username": "other"}))
    assert auth.auth_error.startswith("Esse nome de usuário ou e-mail já está em uso")
    user, _ = db.run_in_session(
        sessions.verify_session,
        auth.session_token,
        settings=chat_settings.get_settings(),
        now=NOW,
    )
    assert user.language == "en"  # the language the registration page was in
