import pytest

from chat_app.domain.room_addresses import (
    Address,
    after_login,
    home_room,
    login_path,
    read_address,
    room_path,
)


def test_a_room_and_a_message_have_addresses():
    assert room_path("sala-2") == "/rooms/sala-2"
    assert room_path("sala-2", 41) == "/rooms/sala-2/41"


@pytest.mark.parametrize(
    ("path", "address"),
    [
        ("/rooms/sala-2", Address(slug="sala-2")),
        ("/rooms/sala-2/", Address(slug="sala-2")),
        ("/rooms/sala-2/41", Address(slug="sala-2", number=41)),
        ("/rooms/sala-2/0", Address(slug="sala-2")),
        ("/", Address()),
        ("/login", Address()),
        ("/rooms/", Address()),
        ("/rooms/sala-2/-1", Address()),
        ("/rooms/sala-2/4x", Address()),
        ("/rooms/sala-2/1234567890", Address()),
        ("/rooms/a/b/c", Address()),
        (None, Address()),
        (42, Address()),
    ],
)
def test_reading_an_address(path, address):
    assert read_address(path) == address


def test_an_address_read_back_is_the_same():
    assert read_address(room_path("sala-1", 7)) == Address(slug="sala-1", number=7)


def test_a_tab_belongs_in_the_first_of_its_places_that_is_still_a_room():
    rooms = ["sala-1", "sala-2", "sala-3"]
    assert home_room(rooms, "sala-2", "sala-3") == "sala-2"
    assert home_room(rooms, None, "sala-3") == "sala-3"
    assert home_room(rooms, "sala-antiga", None, "sala-3") == "sala-3"
    assert home_room(rooms, None, None) == "sala-1"
    assert home_room(rooms) == "sala-1"


def test_logging_in_leads_back_to_the_address_that_needed_it():
    assert login_path("/rooms/sala-2/41") == "/login?next=%2Frooms%2Fsala-2%2F41"
    assert after_login("next=%2Frooms%2Fsala-2%2F41") == "/rooms/sala-2/41"
    assert login_path("/rooms/sala-2") == "/login?next=%2Frooms%2Fsala-2"
    assert after_login(login_path("/rooms/sala-2").split("?")[1]) == "/rooms/sala-2"
    assert login_path("/") == "/login"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "next=https%3A%2F%2Fevil.example%2Frooms%2Fx",
        "next=%2F%2Fevil.example%2Frooms%2Fx",
        "next=javascript%3Aalert(1)",
        "next=%2Flogin",
        "next=/rooms/../../x",
        None,
        42,
    ],
)
def test_logging_in_never_leads_off_the_chat(query):
    assert after_login(query) == "/"


def test_an_address_with_a_query_or_a_space_names_no_room():
    assert read_address("/rooms/sala-1?x=1") == Address()
    assert read_address("/rooms/sala 1") == Address()
