"""Configuration from the environment: the one place that reads it."""

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url

from chat_app.domain.rooms import Room, build_rooms

MIN_SECRET_BYTES = 32
# A secret made of fewer different characters than this is a placeholder or a
# typed word, not random bytes (64 random hex digits use all 16 of them).
MIN_SECRET_SYMBOLS = 10
DEFAULT_SECRETS_DIR = "/run/secrets"
# Heroku's DATABASE_URL says postgres://; the driver here is psycopg 3.
POSTGRES_SCHEMES = ("postgres://", "postgresql://")


class ConfigurationError(RuntimeError):
    """The settings cannot run the chat safely; the message says what to change."""


class Settings(BaseSettings):
    """Every setting of the chat, read from ``CHAT_*`` environment variables.

    Attributes:
        env: ``development`` (the default) or ``production``; production refuses
            to start without a strong ``CHAT_JWT_SECRET``.
        rooms: Room names in menu order, the first being the default room
            (``CHAT_ROOMS="Sala 1,Sala 2,Sala 3"``).
        max_message_length: The most characters one message may have.
        database_url: Any SQLAlchemy URL; by default the SQLite file
            ``data_dir/chat.db``. Also read from ``REFLEX_DB_URL`` or
            ``DATABASE_URL`` (Heroku); ``postgres://`` and ``postgresql://`` mean
            PostgreSQL through psycopg 3.
        database_password: Added to the database URL when that has none, so the
            URL can live in plain configuration and the password in a secret;
            see :meth:`database_address`.
        data_dir: Where development keeps its generated secret and, by default,
            the SQLite file.
        jwt_secret: The key that signs session tokens (at least 32 bytes).
        token_ttl_seconds: How long a session token stays valid.
        bcrypt_rounds: The bcrypt cost factor.
        login_max_failures: Failed logins allowed for one account from one
            address...
        login_window_seconds: ...within this many seconds (the window of every
            login limit).
        login_address_max_failures: Failed logins allowed from one address,
            whatever the accounts, in the window (high: an office or a mobile
            network shares one address).
        login_account_free_failures: Failed logins of one account, from every
            address, from which its attempts from addresses it is not known at
            take turns, spaced by growing delays.
        login_account_first_delay_seconds: The first of those delays...
        login_account_max_delay_seconds: ...doubling with each failure up to
            this.
        login_known_address_seconds: How long after a successful login from an
            address (an IPv6 /64) the account counts as known there: its
            attempts from there take no turn, whatever is guessed elsewhere.
        registration_max_per_address: Registrations (taken names included)
            allowed from one address...
        registration_window_seconds: ...within this many seconds.
        max_json_body_bytes: The largest JSON body the HTTP API reads.
        redis_url: Reflex's Redis (``REFLEX_REDIS_URL``); when set, room broadcasts
            travel through it to every backend process.
        trusted_proxy_hops: How many reverse proxies stand in front of the app
            (``REFLEX_TRUSTED_PROXY_HOPS``, which Reflex reads for the socket
            too): the client's address is then read from ``X-Forwarded-For``.
        message_rate_limit: Messages one user may send (edits, deletions and
            reactions count too)...
        message_rate_window_seconds: ...within this many seconds.
        edit_window_seconds: How long after sending its author may edit a
            message.
        max_reactions_per_message: The most different emoji a message may be
            reacted with.
        presence_tick_seconds: How often each process confirms its connected tabs.
        presence_stale_seconds: A tab not confirmed for this long leaves its room.
        typing_ttl_seconds: A typing report lasts this long unless refreshed (the
            server ends typing that was never stopped).
        typing_refresh_seconds: While the draft keeps changing, typing is
            reported again this often (less than the expiry, so it never lapses).
        typing_idle_seconds: A draft left alone this long stops typing (read
            when the frontend is built: it is the composer's debounce).
        typing_report_limit: Typing reports one tab may make...
        typing_report_window: ...within this many seconds (a client toggling its
            draft cannot flood the room or the database).
        history_page_size: Messages per page of older history.
        history_rate_limit: Pages of older history one tab may load...
        history_rate_window_seconds: ...within this many seconds.
        search_rate_limit: Searches one tab may run...
        search_rate_window_seconds: ...within this many seconds.
        announce_coalesce_seconds: Room-wide changes of one kind within this
            long are announced once (fifty arrivals, one member list).
        typing_coalesce_seconds: A room hears who is typing at most this often.
        shed_typing_lag_seconds: When the event loop runs this far behind, the
            server stops reporting typing (messages come first).
        unread_interval_seconds: Tabs hear their other conversations' latest
            messages (unread counts, previews) at most this often, however busy.
        presence_dot_seconds: Tabs hear whether the other people of their
            direct conversations are here at most this often.
        read_report_limit: Reports of how far it read one tab may make...
        read_report_window: ...within this many seconds (a page reports once
            a second; a flood is refused before anything is kept).
        read_flush_seconds: Each process writes the reports it gathered, and
            tells authors who saw their messages, at most this often.
        seen_by_shown: The most readers "seen by" lists by name.
        upload_dir: Where uploaded files are stored (``CHAT_UPLOAD_DIR``).
        max_file_bytes: The largest file accepted.
        max_files: The most files in one upload (and one message).
        max_upload_bytes: The largest upload request.
        upload_ttl_seconds: How long an upload that no message carries is kept.
        upload_cleanup_seconds: How often each process looks for those.
        upload_bytes_per_day: The most bytes one user may upload in 24 hours.
        upload_bytes_kept: The most bytes of one user's uploads kept at once.
        uploads_per_minute: The most uploads (requests) one user may make in a
            minute.
        min_free_disk_bytes: Uploads are refused (507) while the upload folder's
            disk has less free space than this.
        upload_bytes_per_address_per_day: The most bytes uploaded from one
            client address (every account on it together) in 24 hours.
        max_avatar_bytes: The largest picture accepted for a profile.
        max_avatar_pixels: The most pixels (width times height, as the file
            declares them) a profile picture may have; a larger one is refused
            before it is decoded.
        avatar_uploads_per_hour: Profile pictures one person may upload in an
            hour (refused ones count: each costs decoding).
        body_timeout_seconds: A request whose body stops arriving for this long
            is answered 408 and closed.
        body_grace_seconds: A request body may take this long at any pace...
        body_min_bytes_per_second: ...then it must keep up this average rate
            (each byte received buys ``1 / rate`` seconds more), or it is
            answered 408 and closed: a body trickling in cannot hold a
            connection for ever.
        refusal_drain_seconds: A refused request's unread body is still read
            (and thrown away) for up to this long, so the client, still sending,
            receives the answer; only up to the route's own limit
            (``max_upload_bytes`` on ``/api/upload``, ``max_json_body_bytes``
            elsewhere).
        allowed_origins: The web origins (``https://chat.example.com``) allowed
            to call the API and open the socket from a browser, comma-separated
            (``CHAT_ALLOWED_ORIGINS``, or Reflex's
            ``REFLEX_CORS_ALLOWED_ORIGINS``); ``*`` allows any. Unset means any
            in development and only the page's own host in production.
        log_level: The chat's log level (``DEBUG``, ``INFO``, ``WARNING``,
            ``ERROR`` or ``CRITICAL``, any case); other libraries log from
            ``WARNING`` up.
        log_format: ``json`` (one object per line) or ``text`` (readable lines);
            unset means ``json`` in production and ``text`` in development.
        admins: The administrators' usernames, comma-separated
            (``CHAT_ADMINS="ana,bia"``, any case): they remove any message, mute
            and ban people, and open the admin screen (``/admin``). None by
            default.
    """

    # An empty variable counts as unset (CHAT_DATABASE_URL= must not hide
    # DATABASE_URL).
    model_config = SettingsConfigDict(
        env_prefix="CHAT_", extra="ignore", populate_by_name=True, env_ignore_empty=True
    )

    env: Literal["development", "production"] = "development"
    rooms: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["Sala 1", "Sala 2", "Sala 3"]
    )
    max_message_length: int = Field(default=4000, ge=1, le=100_000)
    data_dir: Path = Path("data")
    database_url: str = Field(
        default="",
        validation_alias=AliasChoices(
            "CHAT_DATABASE_URL", "REFLEX_DB_URL", "DATABASE_URL"
        ),
    )
    database_password: SecretStr | None = None
    jwt_secret: SecretStr | None = None
    token_ttl_seconds: int = Field(default=7 * 24 * 3600, ge=60)
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)
    login_max_failures: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=15 * 60, ge=1)
    login_address_max_failures: int = Field(default=100, ge=1)
    login_account_free_failures: int = Field(default=10, ge=1)
    login_account_first_delay_seconds: float = Field(default=1, gt=0)
    login_account_max_delay_seconds: float = Field(default=60, gt=0)
    login_known_address_seconds: int = Field(default=30 * 24 * 3600, ge=1)
    registration_max_per_address: int = Field(default=20, ge=1)
    registration_window_seconds: int = Field(default=3600, ge=1)
    max_json_body_bytes: int = Field(default=16 * 1024, ge=1024)
    redis_url: str | None = Field(default=None, validation_alias="REFLEX_REDIS_URL")
    trusted_proxy_hops: int = Field(
        default=0, ge=0, le=10, validation_alias="REFLEX_TRUSTED_PROXY_HOPS"
    )
    message_rate_limit: int = Field(default=10, ge=1)
    message_rate_window_seconds: float = Field(default=10, gt=0)
    edit_window_seconds: float = Field(default=24 * 3600, gt=0)
    max_reactions_per_message: int = Field(default=20, ge=1, le=200)
    presence_tick_seconds: float = Field(default=2, gt=0)
    presence_stale_seconds: float = Field(default=7, gt=0)
    typing_ttl_seconds: float = Field(default=6, gt=0)
    typing_refresh_seconds: float = Field(default=2, gt=0)
    typing_idle_seconds: float = Field(default=3, gt=0)
    typing_report_limit: int = Field(default=5, ge=2)
    typing_report_window: float = Field(default=2, gt=0)
    history_page_size: int = Field(default=50, ge=1, le=500)
    history_rate_limit: int = Field(default=10, ge=1)
    history_rate_window_seconds: float = Field(default=10, gt=0)
    search_rate_limit: int = Field(default=50, ge=1)
    search_rate_window_seconds: float = Field(default=10, gt=0)
    announce_coalesce_seconds: float = Field(default=0.25, ge=0)
    typing_coalesce_seconds: float = Field(default=1.0, ge=0)
    shed_typing_lag_seconds: float = Field(default=0.1, gt=0)
    unread_interval_seconds: float = Field(default=1.0, gt=0)
    presence_dot_seconds: float = Field(default=5.0, gt=0)
    read_report_limit: int = Field(default=4, ge=2)
    read_report_window: float = Field(default=2, gt=0)
    read_flush_seconds: float = Field(default=1.0, gt=0)
    seen_by_shown: int = Field(default=50, ge=1, le=500)
    upload_dir: Path = Path("uploaded_files")
    max_file_bytes: int = Field(default=25 * 1024 * 1024, ge=1)
    max_files: int = Field(default=10, ge=1, le=100)
    max_upload_bytes: int = Field(default=100 * 1024 * 1024, ge=1)
    upload_ttl_seconds: float = Field(default=24 * 3600, gt=0)
    upload_cleanup_seconds: float = Field(default=600, gt=0)
    upload_bytes_per_day: int = Field(default=500 * 1024 * 1024, ge=1)
    upload_bytes_kept: int = Field(default=2 * 1024 * 1024 * 1024, ge=1)
    uploads_per_minute: int = Field(default=20, ge=1)
    min_free_disk_bytes: int = Field(default=1024 * 1024 * 1024, ge=0)
    upload_bytes_per_address_per_day: int = Field(default=2 * 1024 * 1024 * 1024, ge=1)
    max_avatar_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    max_avatar_pixels: int = Field(default=40_000_000, ge=1)
    avatar_uploads_per_hour: int = Field(default=20, ge=1)
    body_timeout_seconds: float = Field(default=30, gt=0)
    body_grace_seconds: float = Field(default=10, gt=0)
    body_min_bytes_per_second: int = Field(default=16 * 1024, ge=1)
    refusal_drain_seconds: float = Field(default=5, ge=0)
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=AliasChoices(
            "CHAT_ALLOWED_ORIGINS", "REFLEX_CORS_ALLOWED_ORIGINS"
        ),
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["json", "text"] | None = None
    admins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("database_url")
    @classmethod
    def _psycopg_driver(cls, value: str) -> str:
        """Name the installed PostgreSQL driver when the URL names none."""
        for scheme in POSTGRES_SCHEMES:
            if value.startswith(scheme):
                return "postgresql+psycopg://" + value.removeprefix(scheme)
        return value

    @model_validator(mode="after")
    def _sqlite_in_data_dir(self) -> "Settings":
        """Without a database URL, use the SQLite file in the data folder."""
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir}/chat.db"
        return self

    @model_validator(mode="after")
    def _typing_refreshed_before_it_expires(self) -> "Settings":
        """Refuse timings under which a steady typist would flicker off."""
        if self.typing_refresh_seconds >= self.typing_ttl_seconds:
            raise ValueError(
                "CHAT_TYPING_REFRESH_SECONDS must be less than CHAT_TYPING_TTL_SECONDS."
            )
        return self

    def database_label(self) -> str:
        """The database URL for logs: the password masked.

        Returns:
            The URL with ``***`` for a password.
        """
        return make_url(self.database_url).render_as_string(hide_password=True)

    def database_address(self) -> str:
        """The URL to connect with: ``database_url`` plus the password, if apart.

        Returns:
            The URL (holding the password: never log it).
        """
        if self.database_password is None:
            return self.database_url
        url = make_url(self.database_url)
        if url.password is not None:
            return self.database_url
        password = self.database_password.get_secret_value()
        return url.set(password=password).render_as_string(hide_password=False)

    @field_validator("rooms", "admins", mode="before")
    @classmethod
    def _split_names(cls, value: object) -> object:
        """Accept a comma-separated string, as an environment variable gives it."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_in_any_case(cls, value: object) -> object:
        """Accept ``info`` as well as ``INFO``."""
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _format_in_any_case(cls, value: object) -> object:
        """Accept any case; an empty ``CHAT_LOG_FORMAT=`` means unset."""
        return (value.strip().lower() or None) if isinstance(value, str) else value

    def log_format_in_effect(self) -> Literal["json", "text"]:
        """The log format to use: the configured one, else one for the environment.

        Returns:
            ``json`` in production and ``text`` in development, unless
            ``CHAT_LOG_FORMAT`` says otherwise.
        """
        if self.log_format is not None:
            return self.log_format
        return "json" if self.env == "production" else "text"

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """Accept a comma-separated string; ``https://a.example/`` means the origin."""
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list | tuple):
            return [
                str(part).strip().rstrip("/") for part in value if str(part).strip()
            ]
        return value

    def cors_allowed_origins(self) -> list[str]:
        """The origins Reflex lets call the API and open the socket (``rxconfig``).

        Returns:
            The configured origins; unset, ``["*"]`` in development (``make dev``
            serves the page from another port than the backend) and ``[]`` in
            production: no other origin, and the socket accepts only pages of
            its own host (``chat_app.api.edge``, as Reflex cannot say that).
        """
        if self.allowed_origins:
            return list(self.allowed_origins)
        return ["*"] if self.env == "development" else []

    def room_list(self) -> tuple[Room, ...]:
        """The configured rooms as domain objects.

        Returns:
            The rooms, the default one first.
        """
        return build_rooms(self.rooms)

    def signing_secret(self) -> bytes:
        """The key for session tokens.

        In development a missing secret is generated once and kept in
        ``data_dir/jwt-secret`` (readable by the owner only), so sessions survive
        restarts. In production it must come from the environment.

        Returns:
            The secret's bytes.

        Raises:
            ConfigurationError: If the secret is missing in production, or short.
        """
        if self.jwt_secret is not None:
            secret = self.jwt_secret.get_secret_value().encode()
        elif self.env == "production":
            raise ConfigurationError(
                "CHAT_JWT_SECRET is not set: production needs a random secret of "
                f"at least {MIN_SECRET_BYTES} bytes (e.g. `openssl rand -hex 32`)."
            )
        else:
            secret = _development_secret(self.data_dir / "jwt-secret")
        if len(secret) < MIN_SECRET_BYTES:
            raise ConfigurationError(
                f"CHAT_JWT_SECRET is {len(secret)} bytes long; it needs at least "
                f"{MIN_SECRET_BYTES}."
            )
        if self.env == "production" and len(set(secret)) < MIN_SECRET_SYMBOLS:
            raise ConfigurationError(
                "CHAT_JWT_SECRET looks like a placeholder, not random bytes: use "
                "`openssl rand -hex 32`."
            )
        return secret


@lru_cache(maxsize=4)
def _development_secret(path: Path) -> bytes:
    """Read the development secret, creating it on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip().encode()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once.

    Every setting may also come from a file named after it (``chat_jwt_secret``,
    ``chat_database_password``...) in ``CHAT_SECRETS_DIR`` (``/run/secrets`` by
    default, where Docker, compose and Kubernetes mount secrets); a variable in
    the environment wins over a file.

    Returns:
        The settings.
    """
    folder = os.environ.get("CHAT_SECRETS_DIR", DEFAULT_SECRETS_DIR)
    if Path(folder).is_dir():
        return Settings(_secrets_dir=folder)  # pyright: ignore[reportCallIssue]
    return Settings()
