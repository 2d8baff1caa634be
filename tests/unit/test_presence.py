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


def test_a_user_with_several_tabs_is_listed_once_and_leaves_with_the_last():
    members, tabs = presence.enter_tab([], {}, "joao", "tab-1")
    members, tabs = presence.enter_tab(members, tabs, "joao", "tab-2")
    members, tabs = presence.enter_tab(members, tabs, "joao", "tab-2")
    members, tabs = presence.enter_tab(members, tabs, "pedro", "tab-3")
    assert members == ["joao", "pedro"]
    assert tabs == {"joao": ["tab-1", "tab-2"], "pedro": ["tab-3"]}
    members, tabs = presence.leave_tab(members, tabs, "joao", "tab-1")
    assert members == ["joao", "pedro"]
    members, tabs = presence.leave_tab(members, tabs, "joao", "tab-2")
    assert members == ["pedro"]
    assert tabs == {"pedro": ["tab-3"]}


def test_leaving_with_an_unknown_tab_removes_a_user_without_tabs():
    members, tabs = presence.leave_tab(["ghost"], {}, "ghost", "tab-9")
    assert members == []
    assert tabs == {}
