"""Configuration from the environment: the one place that reads it."""

from functools import lru_cache
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from chat_app.domain.rooms import Room, build_rooms


class Settings(BaseSettings):
    """Every setting of the chat, read from ``CHAT_*`` environment variables.

    Attributes:
        rooms: Room names in menu order, the first being the default room
            (``CHAT_ROOMS="Sala 1,Sala 2,Sala 3"``).
        max_message_length: The most characters one message may have.
        live_window: How many of a room's latest messages the live room keeps.
    """

    model_config = SettingsConfigDict(env_prefix="CHAT_", extra="ignore")

    rooms: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["Sala 1", "Sala 2", "Sala 3"]
    )
    max_message_length: int = Field(default=4000, ge=1, le=100_000)
    live_window: int = Field(default=100, ge=1, le=1000)

    @field_validator("rooms", mode="before")
    @classmethod
    def _split_rooms(cls, value: object) -> object:
        """Accept a comma-separated string, as an environment variable gives it."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    def room_list(self) -> tuple[Room, ...]:
        """The configured rooms as domain objects.

        Returns:
            The rooms, the default one first.
        """
        return build_rooms(self.rooms)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once.

    Returns:
        The settings.
    """
    return Settings()
