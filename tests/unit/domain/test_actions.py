import pytest

from chat_app.domain.actions import (
    QUOTE_LENGTH,
    check_edit_window,
    message_number,
    quote_line,
    valid_emoji,
)
from chat_app.domain.errors import ChatError


def test_a_quote_is_the_first_line_as_read_cut_short():
    assert quote_line("\n  *Bom dia*, pessoal\nsegunda") == "Bom dia, pessoal"
    long = quote_line("palavra " * 50)
    assert len(long) == QUOTE_LENGTH and long.endswith("…")


@pytest.mark.parametrize("emoji", ["👍", "❤️", "👍🏽", "🇧🇷", "👨‍👩‍👧‍👦"])
def test_one_emoji_is_a_reaction(emoji):
    assert valid_emoji(emoji) == emoji


@pytest.mark.parametrize("raw", ["", "a", "👍👍", "x" * 17, None, 3, "👍 "])
def test_anything_else_is_not(raw):
    with pytest.raises(ChatError, match="one emoji"):
        valid_emoji(raw)


@pytest.mark.parametrize("raw", [0, -1, True, "1", None, 1.0, 2**31])
def test_a_message_number_is_a_positive_whole_number(raw):
    with pytest.raises(ChatError, match="not in this room"):
        message_number(raw)


def test_edits_close_after_the_window():
    check_edit_window(sent_at_ms=0, now_ms=3_600_000, window_seconds=3600)
    with pytest.raises(ChatError, match="1 h"):
        check_edit_window(sent_at_ms=0, now_ms=3_600_001, window_seconds=3600)
