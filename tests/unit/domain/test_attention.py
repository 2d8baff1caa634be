import pytest

from chat_app.domain.attention import (
    NOTIFY_CHOICES,
    PREVIEW_LENGTH,
    SAVE_LIMIT,
    check_pace,
    checked_choice,
    checked_switch,
    mention_notice,
    preview_of,
    stored_choice,
)
from chat_app.domain.errors import ChatError


def test_the_three_choices_are_accepted_as_they_are():
    assert NOTIFY_CHOICES == ("all", "mentions", "off")
    for choice in NOTIFY_CHOICES:
        assert checked_choice(choice) == choice


@pytest.mark.parametrize(
    "bad",
    ["ALL", "none", "", " off", None, 1, True, ["all"], {"v": "all"}, "x" * 10_000],
)
def test_anything_else_is_refused_with_a_clear_message(bad):
    with pytest.raises(ChatError, match="all messages, mentions only or nothing"):
        checked_choice(bad)


@pytest.mark.parametrize("bad", ["true", "false", 0, 1, None, [], "on"])
def test_a_switch_is_exactly_true_or_false(bad):
    assert checked_switch(True) is True
    assert checked_switch(False) is False
    with pytest.raises(ChatError, match="either on or off"):
        checked_switch(bad)


def test_a_stored_value_the_chat_does_not_know_reads_as_the_default():
    assert stored_choice("mentions") == "mentions"
    assert stored_choice("loud") == "all"
    assert stored_choice(None) == "all"


def test_a_preview_is_the_plain_text_on_one_line():
    assert preview_of("**Oi** _você_\n\nviu o `código`?") == "Oi você viu o código?"
    assert preview_of("[site](https://example.com) <b>x</b>") == "site <b>x</b>"


def test_a_long_preview_is_cut_with_an_ellipsis():
    cut = preview_of("palavra " * 100)
    assert len(cut) == PREVIEW_LENGTH
    assert cut.endswith("…")
    assert preview_of("curta") == "curta"


def test_a_mention_notice_carries_what_the_notification_shows():
    notice = mention_notice(
        room="sala-2", room_name="Sala 2", seq=7, author="ana", text="oi *@bia*"
    )
    assert notice.key == "sala-2:7"
    assert (notice.room, notice.room_name, notice.seq) == ("sala-2", "Sala 2", 7)
    assert notice.author == "ana"
    assert notice.preview == "oi @bia"


def test_a_tab_saves_a_few_changes_in_a_window_then_is_told_to_wait():
    saved: tuple[float, ...] = ()
    for n in range(SAVE_LIMIT):
        saved = check_pace(saved, now=100.0 + n * 0.1)
    with pytest.raises(ChatError, match="try again in 2 s"):
        check_pace(saved, now=100.5)
    assert check_pace(saved, now=102.1)[-1] == 102.1
