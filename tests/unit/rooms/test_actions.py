from datetime import UTC, datetime

import pytest
from sqlmodel import select

from chat_app.domain.actions import MessageNotFoundError
from chat_app.domain.errors import ChatError
from chat_app.models import Attachment, Mention, Reaction, User
from chat_app.rooms import actions, mentions, reading
from chat_app.rooms.messages import RateLimitedError
from chat_app.rooms.presence import NotInRoomError
from chat_app.rooms.reading import history
from chat_app.uploads.records import record_attachments
from tests.unit.rooms.steps import NOW, enter, post, unlimited, view

AT = int(NOW * 1000)


def clock(at_ms):
    return lambda: at_ms / 1000


def account(session, username):
    session.add(
        User(
            name=username.title(),
            username=username,
            username_key=username.casefold(),
            email=f"{username}@example.com",
            password_hash="x",
            created_at=datetime.now(UTC),
        )
    )
    session.commit()


def edit(session, settings, tab, username, number, text, at=AT + 1000):
    """An edit that changes the text (``actions.edit`` gives None otherwise)."""
    changed = actions.edit(
        session,
        tab=tab,
        username=username,
        number=number,
        text=text,
        clock=clock(at),
        settings=settings,
    )
    assert changed is not None
    return changed


def react(session, settings, tab, username, number, emoji, at=AT + 1000):
    return actions.react(
        session,
        tab=tab,
        username=username,
        number=number,
        emoji=emoji,
        clock=clock(at),
        settings=settings,
    )


def remove(session, settings, tab, username, number, at=AT + 1000):
    return actions.remove(
        session,
        tab=tab,
        username=username,
        number=number,
        clock=clock(at),
        settings=settings,
    )


def shown(changed, seq):
    return next(m for block in changed.blocks.values() for m in block if m.id == seq)


def test_the_author_edits_within_the_window_and_readers_see_edited(session, settings):
    enter(session, "t1", "ana")
    post(session, settings, "ana", text="helo", at=AT)
    changed = edit(session, settings, "t1", "ana", 1, "hello")
    message = shown(changed, 1)
    assert (message.text, message.edited_at_ms) == ("hello", AT + 1000)
    assert message.html == "<p>hello</p>"
    assert changed.room == "sala-1" and changed.latest == 1
    same = actions.edit(
        session,
        tab="t1",
        username="ana",
        number=1,
        text="hello",
        clock=clock(AT + 2000),
        settings=settings,
    )
    assert same is None


def test_nobody_else_edits_or_deletes_a_message(session, settings):
    enter(session, "t1", "ana")
    enter(session, "t2", "bia")
    post(session, settings, "ana", text="mine", at=AT)
    session.commit()
    with pytest.raises(ChatError, match="Only its author"):
        edit(session, settings, "t2", "bia", 1, "yours now")
    with pytest.raises(ChatError, match="Only its author"):
        remove(session, settings, "t2", "bia", 1)
    session.rollback()
    assert history(session, room="sala-1", first=1, last=1)[0].text == "mine"


def test_an_edit_after_the_window_is_refused(session, settings):
    enter(session, "t1", "ana")
    post(session, settings, "ana", text="old", at=AT)
    late = AT + int(settings.edit_window_seconds * 1000) + 1
    with pytest.raises(ChatError, match="24 h"):
        edit(session, settings, "t1", "ana", 1, "new", at=late)


def test_messages_of_other_rooms_or_none_are_not_found(session, settings):
    enter(session, "t1", "ana")
    post(session, settings, "bia", room="sala-2", text="elsewhere", at=AT)
    session.commit()
    for number in (1, 99, 0, -1, "1", None, True, 2**40):
        with pytest.raises(MessageNotFoundError):
            react(session, settings, "t1", "ana", number, "👍")
        session.rollback()
    with pytest.raises(MessageNotFoundError):
        post(session, settings, "ana", text="re", at=AT, reply_to=1)


def test_a_tab_in_no_room_acts_on_nothing(session, settings):
    post(session, settings, "ana", text="x", at=AT)
    with pytest.raises(NotInRoomError):
        react(session, settings, "nowhere", "ana", 1, "👍")


def test_reactions_toggle_and_several_kinds_per_person(session, settings):
    enter(session, "t1", "ana")
    enter(session, "t2", "bia")
    post(session, settings, "ana", text="x", at=AT)
    react(session, settings, "t1", "ana", 1, "👍")
    react(session, settings, "t2", "bia", 1, "👍")
    changed = react(session, settings, "t2", "bia", 1, "❤️")
    chips = shown(changed, 1).reactions
    assert [(c.emoji, c.count, c.users) for c in chips] == [
        ("👍", 2, ["ana", "bia"]),
        ("❤️", 1, ["bia"]),
    ]
    changed = react(session, settings, "t1", "ana", 1, "👍")  # taken back
    assert [(c.emoji, c.count) for c in shown(changed, 1).reactions] == [
        ("👍", 1),
        ("❤️", 1),
    ]


@pytest.mark.parametrize("bad", ["a", "👍👍", "x" * 10_000, "", None, 5, ["👍"]])
def test_only_one_real_emoji_is_a_reaction(session, settings, bad):
    enter(session, "t1", "ana")
    post(session, settings, "ana", text="x", at=AT)
    session.commit()
    with pytest.raises(ChatError, match="one emoji"):
        react(session, settings, "t1", "ana", 1, bad)
    session.rollback()
    assert session.exec(select(Reaction)).all() == []


def test_a_message_holds_a_limited_number_of_kinds(session, settings):
    limited = unlimited(settings).model_copy(update={"max_reactions_per_message": 2})
    enter(session, "t1", "ana")
    post(session, limited, "ana", text="x", at=AT)
    react(session, limited, "t1", "ana", 1, "👍")
    react(session, limited, "t1", "ana", 1, "❤️")
    with pytest.raises(ChatError, match="at most 2"):
        react(session, limited, "t1", "ana", 1, "😂")


def test_actions_count_toward_the_rate_limit(session, settings):
    enter(session, "t1", "ana")
    post(session, settings, "ana", text="x", at=AT)
    for n in range(settings.message_rate_limit - 1):
        react(session, settings, "t1", "ana", 1, "👍", at=AT + n)
    with pytest.raises(RateLimitedError):
        react(session, settings, "t1", "ana", 1, "👍", at=AT + 100)
    with pytest.raises(RateLimitedError):
        post(session, settings, "ana", text="y", at=AT + 200)


def test_replies_quote_and_learn_when_the_original_goes(session, settings, tmp_path):
    enter(session, "t1", "ana")
    post(session, settings, "ana", text="first line\nsecond", at=AT)
    reply = post(session, settings, "bia", text="yes", at=AT + 10, reply_to=1)
    quoted = reply.message
    assert (quoted.reply_to, quoted.quote_author, quoted.quote_text) == (
        1,
        "ana",
        "first line",
    )
    assert quoted.quote_kind == "text"
    # A reaction changes no quote: the replies are not sent again; an edit does.
    assert list(react(session, settings, "t1", "ana", 1, "👍").blocks) == [0]
    edited = edit(session, settings, "t1", "ana", 1, "new first line")
    assert shown(edited, 2).quote_text == "new first line"
    changed = remove(session, settings, "t1", "ana", 1)
    gone, answer = shown(changed, 1), shown(changed, 2)
    assert gone.deleted and gone.text == "" and gone.html == ""
    assert answer.quote_kind == "deleted" and answer.quote_text == ""
    with pytest.raises(MessageNotFoundError):  # a deleted message is not quoted
        post(session, settings, "bia", text="again", at=AT + 20, reply_to=1)
    with pytest.raises(ChatError, match="was deleted"):  # nor deleted twice
        remove(session, settings, "t1", "ana", 1)


def test_deleting_takes_files_reactions_and_mentions(session, settings):
    account(session, "bia")
    enter(session, "t1", "ana")
    (upload,) = record_attachments(
        session,
        [("a" * 32 + ".png", "foto.png", "image", "image/png", 10)],
        owner="ana",
        now=NOW,
    )
    post(
        session,
        settings,
        "ana",
        text="@bia look",
        at=AT,
        attachment_urls=[upload["url"]],
    )
    react(session, settings, "t1", "ana", 1, "👍")
    changed = remove(session, settings, "t1", "ana", 1)
    assert changed.removed_files == ["a" * 32 + ".png"]
    assert session.exec(select(Attachment)).all() == []
    assert session.exec(select(Reaction)).all() == []
    assert session.exec(select(Mention)).all() == []
    assert changed.mentioned == ["bia"]
    assert mentions.marks_of(session, username="bia") == {}
    message = view(session, "sala-1", "ana").blocks[0][0]
    assert message.deleted and message.images == [] and message.reactions == []


def test_mentions_are_real_people_and_marks_follow_edits(session, settings):
    account(session, "bia")
    enter(session, "t1", "ana")
    posted = post(session, settings, "ana", text="oi @Bia e @ninguem e @ana", at=AT)
    assert posted.message.mentions == ["bia"]
    assert 'data-mention="bia"' in posted.message.html
    assert "@ninguem" in posted.message.html and "@ana" in posted.message.html
    assert posted.mentioned == ["bia"]
    assert mentions.marks_of(session, username="bia") == {"sala-1": 1}
    changed = edit(session, settings, "t1", "ana", 1, "oi a todos")
    assert changed.mentioned == ["bia"]
    assert mentions.marks_of(session, username="bia") == {}
    assert view(session, "sala-1", "bia").mentioned == {}


def test_the_up_arrow_edits_ones_latest_message(session, settings):
    enter(session, "t1", "ana")
    post(session, settings, "ana", text="one", at=AT)
    post(session, settings, "bia", text="two", at=AT + 1)
    post(session, settings, "ana", text="three", at=AT + 2)
    found = reading.editable(
        session,
        room="sala-1",
        username="ana",
        number=None,
        now_ms=AT + 3,
        settings=settings,
    )
    assert found == (3, "three")
    with pytest.raises(MessageNotFoundError):
        reading.editable(
            session,
            room="sala-2",
            username="ana",
            number=None,
            now_ms=AT,
            settings=settings,
        )
    assert reading.quote_of(session, room="sala-1", number=2) == (
        2,
        "bia",
        "two",
        "text",
    )
