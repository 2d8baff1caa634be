"""Attachment records: who uploaded what, which a message may carry, expiry.

An upload is recorded as its uploader's, with the client address it came from; a
message may carry only its sender's own uploads, which are then marked as sent.
Uploads no message carried expire. The quotas counted from these records are in
``quotas``.
"""

import hashlib

from sqlmodel import Session, col, delete, select, update

from chat_app.db import reads
from chat_app.domain.errors import ChatError
from chat_app.domain.files import is_stored_name
from chat_app.models import Attachment

MAX_ADDRESS = 64  # the columns' length


def address_key(address: str) -> str:
    """A client address as the records keep it (a digest if too long to fit).

    Args:
        address: The client's address (``api.web.client_address``).

    Returns:
        The key.
    """
    if len(address) <= MAX_ADDRESS:
        return address
    return "#" + hashlib.blake2b(address.encode(), digest_size=16).hexdigest()


def record_attachments(
    session: Session,
    files: list[tuple[str, str, str, str, int]],
    *,
    owner: str,
    now: float,
    address: str | None = None,
) -> list[dict[str, object]]:
    """Record received files as the owner's attachments.

    Args:
        session: The database session.
        files: (stored name, original name, kind, content type, size) per file.
        owner: The uploader's username.
        now: The current time.
        address: The client address they came from, if known.

    Returns:
        The public descriptions, in order.
    """
    rows = [
        Attachment(
            stored_name=stored,
            original_name=original,
            kind=kind,
            content_type=content_type,
            size=size,
            owner=owner,
            created_at=now,
            address=None if address is None else address_key(address),
        )
        for stored, original, kind, content_type, size in files
    ]
    session.add_all(rows)
    session.flush()
    return [row.public() for row in rows]


def owned_attachments(
    session: Session, urls: list[object], *, owner: str, limit: int, now: float
) -> list[dict[str, object]]:
    """The attachments a message may carry: the sender's own uploads only.

    They are marked as sent, so the cleanup of unsent uploads never takes them
    (the update locks them against a cleanup running at that moment), and no
    other message may carry them: an upload belongs to one message, whose
    deletion deletes it.

    Args:
        session: The database session.
        urls: The ``/static/<name>`` links the client sent.
        owner: The verified sender.
        limit: The most attachments one message may carry.
        now: The current time, seconds since the epoch.

    Returns:
        Their public descriptions, in the order sent.

    Raises:
        ChatError: If there are too many, or a link is not one of the sender's
            uploads not yet sent.
    """
    if len(urls) > limit:
        raise ChatError("A message carries at most {limit} files.", limit=limit)
    names = []
    for url in urls:
        linked = isinstance(url, str) and url.startswith("/static/")
        name = str(url).removeprefix("/static/") if linked else ""
        # Only a name the server could have made reaches the database: anything
        # else (a NUL, which PostgreSQL refuses outright, a path...) is not one.
        if not is_stored_name(name):
            raise ChatError("That attachment is not one of your uploads.")
        names.append(name)
    if not names:
        return []
    mine = (col(Attachment.stored_name).in_(names), col(Attachment.owner) == owner)
    # Each upload goes with one message: deleting that message deletes its file.
    claimed = session.exec(
        update(Attachment)
        .where(*mine, col(Attachment.sent_at).is_(None))
        .values(sent_at=now)
        .returning(col(Attachment.stored_name))
    )
    if set(claimed.scalars()) != set(names) or len(set(names)) != len(names):
        raise ChatError("That attachment is not one of your uploads.")
    rows = {
        row.stored_name: row for row in session.exec(select(Attachment).where(*mine))
    }
    return [rows[name].public() for name in names]


def expire_unsent_uploads(
    session: Session, *, now: float, older_than: float
) -> list[str]:
    """Forget uploads that no message carried within ``older_than`` seconds.

    Args:
        session: The database session.
        now: The current time, seconds since the epoch.
        older_than: How long an unsent upload is kept.

    Returns:
        The stored names whose files the caller should delete (after commit).
    """
    expired = session.exec(
        delete(Attachment)
        .where(
            col(Attachment.sent_at).is_(None),
            col(Attachment.created_at) < now - older_than,
        )
        .returning(col(Attachment.stored_name))
    )
    return list(expired.scalars())


@reads
def attachment(session: Session, stored: str) -> Attachment | None:
    """Look an upload up by its stored name.

    Args:
        session: The database session.
        stored: The stored name.

    Returns:
        The attachment, or None.
    """
    return session.exec(
        select(Attachment).where(Attachment.stored_name == stored).limit(1)
    ).first()
