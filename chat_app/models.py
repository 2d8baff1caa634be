"""Database tables (SQLModel)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Text, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from chat_app.domain.search import document


class User(SQLModel, table=True):
    """An account. ``password_hash`` never leaves the server: use ``public()``."""

    __tablename__ = "users"  # pyright: ignore[reportAssignmentType]
    # People are looked up by the start of their username or name (mentions):
    # "LIKE 'an%'" uses these indexes on PostgreSQL whatever the database's
    # collation; on SQLite (binary order) it is a range of the plain index.
    __table_args__ = (
        Index(
            "ix_users_name_key",
            "name_key",
            postgresql_ops={"name_key": "text_pattern_ops"},
        ),
        Index(
            "ix_users_username_key_prefix",
            "username_key",
            postgresql_ops={"username_key": "text_pattern_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    # The name as it is looked for (``domain.people.search_key``): without
    # accents or case, its start only. Kept with the name by whoever sets it.
    name_key: str = Field(default="", max_length=64)
    username: str = Field(max_length=32)
    # The case-folded username, so "Ana" and "ana" cannot both register.
    username_key: str = Field(max_length=32, unique=True, index=True)
    # What the username looks like (``username_skeleton``), so "al" and "aI"
    # cannot both register. None only for an account whose lookalike registered
    # first, before skeletons were kept: that one holds the skeleton for both.
    username_skeleton: str | None = Field(
        default=None, max_length=64, unique=True, index=True
    )
    email: str = Field(max_length=254, unique=True, index=True)
    password_hash: str = Field(max_length=255)
    created_at: datetime
    # The language the person chose (``i18n.LANGUAGES``); None until they have one.
    language: str | None = Field(default=None, max_length=8)
    # The stored name of the person's picture in ``upload_dir/avatars`` (made by
    # ``uploads.avatars``, never the uploaded bytes); None without one.
    avatar: str | None = Field(default=None, max_length=64)
    # What the person is told of (``domain.attention.NOTIFY_CHOICES``): "all"
    # (their room's messages while away, and mentions), "mentions" or "off";
    # whether notifications show the message's text; whether a sound plays.
    notify: str = Field(default="all", max_length=8)
    notify_preview: bool = True
    sound: bool = True
    # When an administrator banned the person (no login, no event); None if not.
    banned_at_ms: int | None = Field(default=None, sa_type=BigInteger)
    # Until when the person may not write, edit or react; None if never muted.
    muted_until_ms: int | None = Field(default=None, sa_type=BigInteger)

    def public(self) -> dict[str, object]:
        """The profile other people and the API may see.

        Returns:
            id, name, username, email and creation time (ISO 8601, UTC).
        """
        return {
            "id": self.id,
            "name": self.name,
            "username": self.username,
            "email": self.email,
            "created_at": self.created_at.isoformat(),
        }


class RevokedToken(SQLModel, table=True):
    """A session token that was logged out before it expired."""

    __tablename__ = "revoked_tokens"  # pyright: ignore[reportAssignmentType]

    jti: str = Field(primary_key=True, max_length=64)
    expires_at: float = Field(index=True)


class LoginFailure(SQLModel, table=True):
    """One counted attempt under a key: a failed login, or a registration.

    A login counts under its account, its address and the pair of both (see
    ``accounts``); the key never holds what was typed, only the account's id or
    a keyed hash of an unknown login.
    """

    __tablename__ = "login_failures"  # pyright: ignore[reportAssignmentType]

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, index=True)
    at: float = Field(index=True)


class Message(SQLModel, table=True):
    """A message, stored before anyone is told about it."""

    __tablename__ = "messages"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (
        UniqueConstraint("room", "seq"),
        Index("ix_messages_author_sent_at_ms", "author", "sent_at_ms"),
        Index("ix_messages_room_reply_to", "room", "reply_to"),
    )

    id: int | None = Field(default=None, primary_key=True)
    room: str = Field(max_length=64, index=True)
    # 1, 2, 3... within the room: places the message in the live window's blocks.
    seq: int
    author: str = Field(max_length=32)
    text: str
    # Milliseconds since the epoch outgrow PostgreSQL's 32-bit INTEGER.
    sent_at_ms: int = Field(sa_type=BigInteger)
    # The message's attachments as public dicts (see ``Attachment.public``).
    attachments: list[dict] = Field(default_factory=list, sa_column=Column(JSON))
    # The number of the message of the same room it replies to (quotes), if any.
    reply_to: int | None = None
    # When its author last changed its text; None if never.
    edited_at_ms: int | None = Field(default=None, sa_type=BigInteger)
    # When its author deleted it (its text and files are gone); None if not.
    deleted_at_ms: int | None = Field(default=None, sa_type=BigInteger)
    # The administrator who removed it, when it was not its author; None if not.
    removed_by: str | None = Field(default=None, max_length=32)
    # What the full-text indexes read (``domain.search.document``): written with
    # every change of the message below, so search follows sends, edits and
    # deletions (migration 0016 indexes it on each database).
    search_text: str = Field(default="", sa_type=Text)


@event.listens_for(Message, "before_insert")
@event.listens_for(Message, "before_update")
def _follow_for_search(_mapper: Any, _connection: Any, message: Message) -> None:
    """Write a message's search text from its text and files, whenever it is stored."""
    names = [str(item.get("name", "")) for item in message.attachments or []]
    message.search_text = document(message.text, names)


class Reaction(SQLModel, table=True):
    """One person's reaction (an emoji) to a message; several per person allowed."""

    __tablename__ = "reactions"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (
        UniqueConstraint("room", "seq", "username", "emoji"),
        Index("ix_reactions_room_seq", "room", "seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    room: str = Field(max_length=64)
    seq: int
    username: str = Field(max_length=32)
    emoji: str = Field(max_length=32)
    at_ms: int = Field(sa_type=BigInteger)


class Mention(SQLModel, table=True):
    """A person a message mentions (``@username``), for their "@" mark."""

    __tablename__ = "mentions"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (Index("ix_mentions_username_room", "username", "room"),)

    room: str = Field(primary_key=True, max_length=64)
    seq: int = Field(primary_key=True)
    username: str = Field(primary_key=True, max_length=32)


class ModerationAction(SQLModel, table=True):
    """What an administrator did, to whom, when and why (the moderation log)."""

    __tablename__ = "moderation_actions"  # pyright: ignore[reportAssignmentType]

    id: int | None = Field(default=None, primary_key=True)
    at_ms: int = Field(sa_type=BigInteger, index=True)
    admin: str = Field(max_length=32)
    # ``domain.moderation.ACTIONS``: delete, ban, unban, mute, unmute, and a
    # room owner's "remove" of a member.
    action: str = Field(max_length=8)
    target: str = Field(max_length=32, index=True)
    # The room and number of a removed message; None for other actions.
    room: str | None = Field(default=None, max_length=64)
    seq: int | None = None
    reason: str = Field(default="", max_length=300)
    # When a mute ends; None for other actions.
    until_ms: int | None = Field(default=None, sa_type=BigInteger)


class Presence(SQLModel, table=True):
    """One browser tab in one room (a tab is in at most one room)."""

    __tablename__ = "presence"  # pyright: ignore[reportAssignmentType]

    tab: str = Field(primary_key=True, max_length=64)
    room: str = Field(max_length=64, index=True)
    username: str = Field(max_length=32, index=True)
    sid: str = Field(max_length=64)
    entered_at: float
    # Last time the tab's socket was seen connected (refreshed every few seconds).
    seen_at: float
    # When this tab's user started typing here; None when not typing.
    typing_since: float | None = None
    # The session the tab entered with: when it is revoked or expires, the tab is
    # evicted (None for tabs that entered before sessions were recorded).
    token_id: str | None = Field(default=None, max_length=64, index=True)
    token_expires_at: int | None = Field(default=None, sa_type=BigInteger)


class ReadMark(SQLModel, table=True):
    """How far a user has read a room, for unread counters and the divider."""

    __tablename__ = "read_marks"  # pyright: ignore[reportAssignmentType]

    username: str = Field(primary_key=True, max_length=32)
    room: str = Field(primary_key=True, max_length=64)
    last_read_seq: int = 0


class ReadSpan(SQLModel, table=True):
    """A stretch of a room one person read (``first_seq`` to ``last_seq``), and when.

    A reader's next stretch extends the last one while it is recent, so a
    person reading along adds a row a minute, not one per message. "Seen by"
    lists the readers whose stretches cover a message.
    """

    __tablename__ = "read_spans"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (
        Index("ix_read_spans_room_last_seq", "room", "last_seq"),
        Index("ix_read_spans_room_username", "room", "username", "last_seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    room: str = Field(max_length=64)
    username: str = Field(max_length=32)
    first_seq: int
    last_seq: int
    at_ms: int = Field(sa_type=BigInteger)


class RoomSequence(SQLModel, table=True):
    """The last message number given out in a room.

    Posting bumps it with one ``UPDATE ... RETURNING``: the row lock makes
    concurrent senders in one room take turns on every database (SQLite already
    serialises writers), so two messages never get the same number.
    """

    __tablename__ = "room_sequences"  # pyright: ignore[reportAssignmentType]

    room: str = Field(primary_key=True, max_length=64)
    last_seq: int = 0
    # When the room's latest message was sent (ms): orders conversations by activity.
    last_at_ms: int = Field(default=0, sa_type=BigInteger)


class Conversation(SQLModel, table=True):
    """A room someone created, or a direct conversation of two people.

    The configured rooms (``CHAT_ROOMS``) are not stored: everyone has them.
    ``domain.conversations`` says who may see, enter and manage each.
    """

    __tablename__ = "conversations"  # pyright: ignore[reportAssignmentType]

    slug: str = Field(primary_key=True, max_length=64)
    # The room's name; "" for a direct one (each side sees the other's name).
    name: str = Field(default="", max_length=100)
    # The slug the name gives now (``domain.conversations.room_slug``), so two
    # rooms never share a name, even after a rename; None for a direct one.
    name_key: str | None = Field(default=None, max_length=64, unique=True)
    topic: str = Field(default="", max_length=300)
    kind: str = Field(max_length=8)  # "room" or "direct"
    private: bool = False
    owner: str | None = Field(default=None, max_length=32)
    created_at_ms: int = Field(sa_type=BigInteger)
    archived_at_ms: int | None = Field(default=None, sa_type=BigInteger)


class Membership(SQLModel, table=True):
    """A person's belonging to a stored conversation: its unread counts, its access."""

    __tablename__ = "memberships"  # pyright: ignore[reportAssignmentType]
    __table_args__ = (Index("ix_memberships_username", "username", "room"),)

    room: str = Field(primary_key=True, max_length=64)
    username: str = Field(primary_key=True, max_length=32)
    joined_at_ms: int = Field(sa_type=BigInteger)


class Attachment(SQLModel, table=True):
    """An uploaded file: stored under a name the server made, owned by its uploader."""

    __tablename__ = "attachments"  # pyright: ignore[reportAssignmentType]

    id: int | None = Field(default=None, primary_key=True)
    stored_name: str = Field(max_length=64, unique=True, index=True)
    original_name: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    kind: str = Field(max_length=8)  # "image" or "file"
    size: int = Field(sa_type=BigInteger)
    owner: str = Field(max_length=32, index=True)
    created_at: float
    # When a message first carried it; uploads never sent are removed after a while.
    sent_at: float | None = None
    # The client address it came from (``api.web.client_address``), for the daily
    # quota of one address; None for uploads recorded before addresses were kept.
    address: str | None = Field(default=None, max_length=64, index=True)

    def public(self) -> dict[str, object]:
        """What a message and the upload route say about the file.

        Returns:
            url, name, size, kind and content_type.
        """
        return {
            "url": f"/static/{self.stored_name}",
            "name": self.original_name,
            "size": self.size,
            "kind": self.kind,
            "content_type": self.content_type,
        }


class UploadReservation(SQLModel, table=True):
    """Bytes an upload still streaming holds of its uploader's and address's quotas.

    Taken before the body is read and given back when the files are recorded or
    refused, so parallel uploads, on any process, count each other. A process
    that dies mid-upload leaves its rows, which stop counting at ``expires_at``.
    """

    __tablename__ = "upload_reservations"  # pyright: ignore[reportAssignmentType]

    id: int | None = Field(default=None, primary_key=True)
    owner: str = Field(max_length=32, index=True)
    address: str = Field(max_length=64, index=True)
    size: int = Field(sa_type=BigInteger)
    created_at: float
    expires_at: float = Field(index=True)
