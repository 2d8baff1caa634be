"""Handlers that need no room, on states instantiated directly.

The handlers that touch a room's shared state run against a real server in
``tests/protocol``.
"""

import pytest
import reflex as rx

from chat_app.domain.conversations import Conversation
from chat_app.domain.errors import ChatError
from chat_app.domain.forms import attachment_links, form_field
from chat_app.states import places
from chat_app.states.chat import ChatState
from chat_app.states.locale import LocaleState


@pytest.fixture
def chat() -> ChatState:
    root = rx.State(_reflex_internal_init=True)  # pyright: ignore[reportCallIssue]
    state = root.substates[ChatState.get_name()]
    assert isinstance(state, ChatState)
    return state


def test_form_field_reads_dicts_and_nothing_else():
    assert form_field({"username": "ana"}, "username") == "ana"
    assert form_field({"other": 1}, "username") is None
    assert form_field("username=ana", "username") is None
    assert form_field(None, "username") is None


def test_attachment_links_are_a_json_list_or_nothing():
    assert attachment_links("") == []
    assert attachment_links(None) == []
    assert attachment_links('["/static/a.png"]') == ["/static/a.png"]
    for bad in ("{", '{"a": 1}', "3"):
        with pytest.raises(ChatError, match="could not be read"):
            attachment_links(bad)


def test_the_conversation_shown_is_named_as_its_user_sees_it(chat):
    assert chat.room_name == ""
    chat.username = "ana"
    places.show(chat, Conversation(slug="projeto", name="Projeto", owner="ana"))
    assert (chat.room_slug, chat.room_name, chat.room_owned) == (
        "projeto",
        "Projeto",
        True,
    )
    places.show(chat, Conversation(slug="dm-1-2", name="Bia", kind="direct"))
    assert (chat.room_kind, chat.room_owned) == ("direct", False)
    places.show(chat, None)
    assert (chat.room_slug, chat.room_name) == ("", "")


async def test_error_dismissal_and_sidebar_toggle(chat):
    chat.error = "boom"
    await chat.dismiss_error()
    assert chat.error == ""
    await chat.toggle_sidebar()
    assert chat.sidebar_open
    await chat.toggle_sidebar()
    assert not chat.sidebar_open


async def test_arguments_a_handler_does_not_take_are_refused_clearly(chat):
    await chat.toggle_sidebar(unexpected=1)
    assert chat.error == "Esse pedido não foi entendido."  # pt-BR, the default
    assert not chat.sidebar_open
    chat.parent_state.substates[LocaleState.get_name()].lang = "en"  # pyright: ignore[reportOptionalMemberAccess]
    await chat.toggle_sidebar(unexpected=1)
    assert chat.error == "That request was not understood."


async def test_a_language_the_chat_does_not_have_is_refused_and_changes_nothing(chat):
    locale = chat.parent_state.substates[LocaleState.get_name()]  # pyright: ignore[reportOptionalMemberAccess]
    assert isinstance(locale, LocaleState)
    for bad in ("fr", "", None, ["en"], {"language": "en"}):
        await locale.switch(bad)  # pyright: ignore[reportArgumentType]
        assert locale.lang == "pt-BR"
        assert chat.error == "Esse idioma não está disponível."


def test_attachments_nested_absurdly_deep_are_refused_clearly():
    with pytest.raises(ChatError, match="could not be read"):
        attachment_links("[" * 100_000)
