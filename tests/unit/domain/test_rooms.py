import pytest

from chat_app.domain.errors import ChatError
from chat_app.domain.rooms import Room, build_rooms, find_room, slugify


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Sala 1", "sala-1"), ("  Café da manhã ", "cafe-da-manha"), ("A_B", "a-b")],
)
def test_slugify_keeps_ascii_letters_digits_and_hyphens(name, slug):
    assert slugify(name) == slug


def test_slugify_refuses_names_without_letters_or_digits():
    with pytest.raises(ChatError, match="no letters or digits"):
        slugify("!!!")


def test_build_rooms_keeps_menu_order_and_makes_the_first_the_default():
    rooms = build_rooms(["Sala 1", "Sala 2", "Sala 3"])
    assert [room.slug for room in rooms] == ["sala-1", "sala-2", "sala-3"]
    assert rooms[0] == Room(name="Sala 1", slug="sala-1")


def test_build_rooms_refuses_an_empty_list_and_clashing_slugs():
    with pytest.raises(ChatError, match="At least one room"):
        build_rooms(["  ", ""])
    with pytest.raises(ChatError, match="sala-1"):
        build_rooms(["Sala 1", "sala-1"])


def test_find_room_by_slug_or_refuse():
    rooms = build_rooms(["Sala 1", "Sala 2"])
    assert find_room(rooms, "sala-2").name == "Sala 2"
    with pytest.raises(ChatError, match="does not exist"):
        find_room(rooms, "sala-9")
