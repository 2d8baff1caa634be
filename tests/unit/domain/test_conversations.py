import pytest

from chat_app.domain import conversations as rules
from chat_app.domain.conversations import Conversation
from chat_app.domain.errors import ChatError, NotAllowedError
from chat_app.domain.rooms import Room


def test_a_direct_conversation_is_named_by_both_accounts_in_either_order():
    assert rules.direct_slug(7, 3) == rules.direct_slug(3, 7) == "dm-3-7"
    assert rules.direct_ids("dm-3-7") == (3, 7)
    with pytest.raises(ChatError, match="yourself"):
        rules.direct_slug(3, 3)


@pytest.mark.parametrize("slug", ["dm-0-3", "dm-3", "dm-a-b", "sala-1", "dm-3-7-9"])
def test_other_slugs_name_no_direct_conversation(slug):
    assert rules.direct_ids(slug) is None


def test_a_room_name_is_trimmed_checked_and_gives_a_slug_nobody_has():
    assert rules.room_name("  Projeto   X ") == "Projeto X"
    assert rules.room_slug("Projeto X", taken={"sala-1"}) == "projeto-x"
    for bad in ("", "   ", None, 5, "x" * (rules.NAME_MAX + 1)):
        with pytest.raises(ChatError):
            rules.room_name(bad)
    with pytest.raises(ChatError, match="letters or digits"):
        rules.room_slug("!!!", taken=set())
    with pytest.raises(ChatError, match="already"):
        rules.room_slug("Sala 1", taken={"sala-1"})
    # A direct conversation's slug is never a room's.
    with pytest.raises(ChatError, match="already"):
        rules.room_slug("DM 3 7", taken=set())


def test_a_topic_is_one_line_within_its_limit():
    assert rules.topic(None) == ""
    assert rules.topic(" planos\n da  semana ") == "planos da semana"
    with pytest.raises(ChatError):
        rules.topic(["x"])
    with pytest.raises(ChatError):
        rules.topic("x" * (rules.TOPIC_MAX + 1))


def test_who_may_see_a_conversation():
    public = Conversation(slug="cafe", name="Café")
    private = Conversation(slug="projeto", name="Projeto", private=True)
    archived = Conversation(slug="velha", name="Velha", archived=True)
    assert rules.may_see(rules.configured(Room(name="Sala 1", slug="sala-1")))
    assert rules.may_see(public)
    assert not rules.may_see(private)
    assert rules.may_see(Conversation(slug="p", name="P", private=True, member=True))
    assert not rules.may_see(archived)
    assert rules.may_see(Conversation(slug="v", name="V", archived=True, member=True))


def test_only_a_created_rooms_owner_manages_it_and_an_archive_is_read_only():
    room = Conversation(slug="projeto", name="Projeto", owner="ana", member=True)
    rules.check_owner(room, "ana")
    with pytest.raises(NotAllowedError):
        rules.check_owner(room, "bia")
    with pytest.raises(NotAllowedError):
        rules.check_owner(rules.configured(Room(name="Sala 1", slug="sala-1")), "ana")
    direct = Conversation(slug="dm-1-2", name="Bia", kind=rules.DIRECT, owner=None)
    with pytest.raises(NotAllowedError):
        rules.check_owner(direct, "ana")
    rules.check_writable(room)
    with pytest.raises(NotAllowedError, match="archived"):
        rules.check_writable(Conversation(slug="v", name="V", archived=True))
