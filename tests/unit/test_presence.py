import pytest

from chat_app.domain import presence
from chat_app.domain.errors import ChatError


def test_members_join_in_order_and_leave():
    members = presence.add_member([], "joao")
    members = presence.add_member(members, "pedro")
    assert members == ["joao", "pedro"]
    assert presence.is_member(members, "pedro")
    members = presence.remove_member(members, "joao")
    assert members == ["pedro"]
    assert not presence.is_member(members, "joao")


def test_functions_return_new_lists_and_leave_their_input_alone():
    members = ["joao"]
    presence.add_member(members, "pedro")
    presence.remove_member(members, "joao")
    assert members == ["joao"]


def test_a_member_cannot_be_added_twice():
    with pytest.raises(ChatError, match="already in this room"):
        presence.add_member(["joao"], "joao")


def test_nobody_and_the_empty_name_are_never_members():
    assert not presence.is_member([], "joao")
    assert not presence.is_member(["joao"], "")


def test_removing_someone_absent_changes_nothing():
    assert presence.remove_member(["joao"], "pedro") == ["joao"]


def test_typing_starts_once_and_stops():
    typists = presence.start_typing([], "joao")
    assert presence.start_typing(typists, "joao") == ["joao"]
    typists = presence.start_typing(typists, "pedro")
    assert typists == ["joao", "pedro"]
    assert presence.stop_typing(typists, "joao") == ["pedro"]
    assert presence.stop_typing(["pedro"], "joao") == ["pedro"]
