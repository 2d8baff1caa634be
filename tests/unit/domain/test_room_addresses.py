import pytest

from chat_app.domain.room_addresses import Address, read_address, room_path


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
