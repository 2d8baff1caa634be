import pytest

from chat_app.domain.errors import ChatError
from chat_app.domain.validation import (
    username_skeleton,
    validate_draft,
    validate_email,
    validate_message,
    validate_name,
    validate_password,
    validate_username,
)


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


@pytest.mark.parametrize(
    "raw", ["\u200b", "\u202e\u200b\u200d", "\x00\x00", " \u2066\u2069 \n"]
)
def test_texts_that_show_nothing_are_refused(raw):
    with pytest.raises(ChatError, match="empty message"):
        validate_message(raw, max_length=4000)
    assert validate_message(raw, max_length=4000, allow_empty=True) == ""


def test_control_characters_are_dropped_but_lines_tabs_and_marks_stay():
    assert validate_message("a\x00b\x07c", max_length=10) == "abc"
    assert validate_message("um\n\tdois", max_length=10) == "um\n\tdois"
    assert validate_message("\u05e9\u200f!", max_length=10) == "\u05e9\u200f!"


def test_message_length_limit_counts_the_trimmed_text():
    assert validate_message(" " + "x" * 4000 + " ", max_length=4000) == "x" * 4000
    with pytest.raises(ChatError, match="at most 4000 characters; this one has 4001"):
        validate_message("x" * 4001, max_length=4000)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("al", "aI"),
        ("al", "a1"),
        ("Ian", "lan"),
        ("bob", "b0b"),
        ("BOB", "b0b"),
        ("modem", "rnodern"),
        ("Joao", "JOAO"),
    ],
)
def test_lookalike_usernames_share_a_skeleton(first, second):
    assert username_skeleton(first) == username_skeleton(second)


@pytest.mark.parametrize(("first", "second"), [("ai", "al"), ("ana", "anna")])
def test_usernames_that_read_differently_keep_different_skeletons(first, second):
    assert username_skeleton(first) != username_skeleton(second)


def test_a_skeleton_fits_twice_the_longest_username():
    assert len(username_skeleton("m" * 32)) == 64


def test_bidi_controls_are_stripped_from_names():
    # U+202E turns "Eve\u202egnp.exe" into "Eveexe.png" on screen.
    assert validate_name("\u202eAna\u202c \u2067Silva\u2069\u200f") == "Ana Silva"
    assert validate_name("Eve\u202egnp.exe") == "Evegnp.exe"


def test_a_name_of_bidi_controls_only_is_empty():
    with pytest.raises(ChatError, match="Enter your name"):
        validate_name("\u202e\u202c")


def test_other_control_characters_in_names_are_still_refused():
    with pytest.raises(ChatError, match="control characters"):
        validate_name("Ana\x07")


def test_a_password_with_a_nul_character_is_refused_clearly():
    with pytest.raises(ChatError, match="NUL"):
        validate_password("segredo\x00123")


def test_emails_keep_letters_that_case_folding_would_change():
    # casefold() turns "ß" into "ss": another address, and not what was stored.
    assert validate_email(" Straße@Example.COM ") == "straße@example.com"
    assert validate_email("STRAẞE@example.com") == "straße@example.com"


def test_a_draft_is_kept_as_typed_and_refuses_non_text():
    assert validate_draft("Olá ", 4000) == "Olá "
    assert validate_draft("x" * 8000, 4000) == "x" * 8000  # past the limit: shown
    with pytest.raises(ChatError, match="A message must be text."):
        validate_draft(42, 4000)


def test_a_draft_refuses_absurd_sizes():
    with pytest.raises(ChatError, match="at most 4000"):
        validate_draft("x" * 8001, 4000)
