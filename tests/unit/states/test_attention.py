"""The settings' handlers refuse bad values before anything else happens.

Saving and following run against a real server in
``tests/protocol/test_attention.py``.
"""

import pytest
import reflex as rx

from chat_app.states.attention import AttentionState
from chat_app.states.chat import ChatState


@pytest.fixture
def root() -> rx.State:
    return rx.State(_reflex_internal_init=True)  # pyright: ignore[reportCallIssue]


def attention_of(root: rx.State) -> AttentionState:
    state = root.substates[AttentionState.get_name()]
    assert isinstance(state, AttentionState)
    return state


def error_of(root: rx.State) -> str:
    state = root.substates[ChatState.get_name()]
    assert isinstance(state, ChatState)
    return state.error


@pytest.mark.parametrize(
    ("handler", "argument", "refusal"),
    [
        ("choose", "loud", "Escolha todas as mensagens, só menções ou nada."),
        ("choose", None, "Escolha todas as mensagens, só menções ou nada."),
        ("show_preview", "true", "Essa opção só pode estar ligada ou desligada."),
        ("play_sound", 1, "Essa opção só pode estar ligada ou desligada."),
    ],
)
async def test_a_bad_value_is_refused_in_the_tab_s_language_and_changes_nothing(
    root, handler, argument, refusal
):
    attention = attention_of(root)
    await getattr(attention, handler)(argument)
    assert error_of(root) == refusal
    assert (attention.notify, attention.preview, attention.sound) == ("all", True, True)


async def test_arguments_naming_someone_are_refused(root):
    attention = attention_of(root)
    await attention.choose("off", username="bia")  # pyright: ignore[reportCallIssue]
    assert error_of(root) == "Esse pedido não foi entendido."
    assert attention.notify == "all"
