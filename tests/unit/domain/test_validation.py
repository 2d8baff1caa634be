import pytest

from chat_app.domain.errors import ChatError
from chat_app.domain.validation import validate_message, validate_username


@pytest.mark.parametrize("name", ["joao", "Maria.S", "a_b-c", "x", "a" * 32])
def test_valid_usernames_are_accepted_and_trimmed(name):
    assert validate_username(f"  {name} ") == name


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("", "Choose a username"),
        ("   ", "Choose a username"),
        (None, "Choose a username"),
        (42, "Choose a username"),
        ("a" * 33, "at most 32"),
        ("joão", "only contain"),
        ("with space", "only contain"),
        ("<script>", "only contain"),
    ],
)
def test_invalid_usernames_are_refused_with_a_reason(raw, error):
    with pytest.raises(ChatError, match=error):
        validate_username(raw)


def test_messages_are_trimmed():
    assert validate_message("  hello\nworld \n", max_length=4000) == "hello\nworld"


@pytest.mark.parametrize("raw", ["", "  \n\t ", None, ["hi"]])
def test_blank_or_non_text_messages_are_refused(raw):
    with pytest.raises(ChatError):
        validate_message(raw, max_length=4000)


def test_message_length_limit_counts_the_trimmed_text():
    assert validate_message(" " + "x" * 4000 + " ", max_length=4000) == "x" * 4000
    with pytest.raises(ChatError, match="at most 4000 characters; this one has 4001"):
        validate_message("x" * 4001, max_length=4000)
