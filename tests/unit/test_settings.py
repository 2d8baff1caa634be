import pytest
from pydantic import ValidationError

from chat_app.settings import Settings


def test_defaults_give_three_rooms_with_sala_1_first(monkeypatch):
    monkeypatch.delenv("CHAT_ROOMS", raising=False)
    rooms = Settings().room_list()
    assert [room.name for room in rooms] == ["Sala 1", "Sala 2", "Sala 3"]


def test_rooms_come_from_a_comma_separated_variable(monkeypatch):
    monkeypatch.setenv("CHAT_ROOMS", "Geral, Dev ,Random")
    assert [room.slug for room in Settings().room_list()] == ["geral", "dev", "random"]


def test_limits_are_validated(monkeypatch):
    monkeypatch.setenv("CHAT_MAX_MESSAGE_LENGTH", "0")
    with pytest.raises(ValidationError):
        Settings()
