"""Attachment records: who uploaded what, which a message may carry, expiry.

An upload is recorded as its uploader's; a message may carry only its sender's
own uploads, which are then marked as sent. Uploads no message carried expire.
Each uploader has a quota (bytes a day, bytes kept, uploads a minute), counted
from these records.
"""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, delete, select, update

from chat_app.db import take_turn
from chat_app.domain.errors import ChatError
from chat_app.domain.files import size_text
from chat_app.domain.limits import seconds_to_wait
from chat_app.models import Attachment

DAY_SECONDS = 24 * 3600
MINUTE_SECONDS = 60


@dataclass(frozen=True)
class UploadQuota:
    """What one user may upload: bytes a day, bytes kept, uploads a minute."""

    bytes_per_day: int
    bytes_kept: int
    uploads_per_minute: int


@dataclass(frozen=True)
class Allowance:
    """What a user may upload now.

    Attributes:
        bytes_left: The most bytes of files the next upload may store (0 or
            more).
        wait_seconds: 0, or the seconds until another upload is allowed.
        message: Which limit binds and how much of it is left, for the sender.
    """

    bytes_left: int
    wait_seconds: int
    message: str


class QuotaError(ChatError):
    """An upload over the sender's quota (``retry_after`` 0) or rate (> 0)."""

    def __init__(self, message: str, *, retry_after: int = 0) -> None:
        """Describe the refusal.

        Args:
            message: What the sender reads.
            retry_after: Seconds until another upload is allowed, for a rate.
        """
        super().__init__(message)
        self.retry_after = retry_after


def record_attachments(
    session: Session,
    files: list[tuple[str, str, str, str, int]],
    *,
    owner: str,
    now: float,
) -> list[dict[str, object]]:
    """Record received files as the owner's attachments.

    Args:
        session: The database session.
        files: (stored name, original name, kind, content type, size) per file.
        owner: The uploader's username.
        now: The current time.

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
        )
        for stored, original, kind, content_type, size in files
    ]
    session.add_all(rows)
    session.flush()
    return [row.public() for row in rows]


def upload_allowance(
    session: Session, *, owner: str, now: float, quota: UploadQuota
) -> Allowance:
    """How much the owner may upload now, counted from their recorded uploads.

    The files of one upload share its ``created_at``, so the uploads of the last
    minute are its distinct times.

    Args:
        session: The database session.
        owner: The uploader's username.
        now: The current time, seconds since the epoch.
        quota: The limits.

    Returns:
        The allowance.
    """
    mine = col(Attachment.owner) == owner
    kept = session.exec(
        select(func.coalesce(func.sum(Attachment.size), 0)).where(mine)
    ).one()
    today = session.exec(
        select(func.coalesce(func.sum(Attachment.size), 0)).where(
            mine, col(Attachment.created_at) > now - DAY_SECONDS
        )
    ).one()
    recent = session.exec(
        select(Attachment.created_at)
        .distinct()
        .where(mine, col(Attachment.created_at) > now - MINUTE_SECONDS)
    ).all()
    wait = seconds_to_wait(
        recent, now=now, limit=quota.uploads_per_minute, window=MINUTE_SECONDS
    )
    day_left = quota.bytes_per_day - int(today)
    kept_left = quota.bytes_kept - int(kept)
    if day_left <= kept_left:
        message = (
            f"Uploads are limited to {size_text(quota.bytes_per_day)} a day; "
            f"you have {size_text(day_left)} left today."
        )
    else:
        message = (
            f"Uploads kept are limited to {size_text(quota.bytes_kept)} per person; "
            f"you have {size_text(kept_left)} left."
        )
    return Allowance(
        bytes_left=max(0, min(day_left, kept_left)), wait_seconds=wait, message=message
    )


def check_allowance(allowance: Allowance, size: int, quota: UploadQuota) -> None:
    """Refuse an upload of ``size`` bytes the allowance does not cover.

    Args:
        allowance: The sender's allowance.
        size: The bytes of files to store (0 before any are received).
        quota: The limits, for the message.

    Raises:
        QuotaError: Over the rate (with ``retry_after``) or over the bytes left
            (``size`` 0 is over when none are left).
    """
    if allowance.wait_seconds:
        raise QuotaError(
            f"At most {quota.uploads_per_minute} uploads a minute: try again in "
            f"{allowance.wait_seconds} s.",
            retry_after=allowance.wait_seconds,
        )
    if size > allowance.bytes_left or allowance.bytes_left == 0:
        raise QuotaError(f"This upload is over your quota. {allowance.message}")


def record_within_quota(
    session: Session,
    files: list[tuple[str, str, str, str, int]],
    *,
    owner: str,
    now: float,
    quota: UploadQuota,
) -> list[dict[str, object]]:
    """Record received files if the owner's quota and rate still allow them.

    The check and the record take the owner's turn (one transaction at a time
    per owner, across processes), so parallel uploads of one user never store
    more than the quota together.

    Args:
        session: The database session.
        files: As for :func:`record_attachments`.
        owner: The uploader's username.
        now: The current time.
        quota: The limits.

    Returns:
        The public descriptions, in order.

    Raises:
        QuotaError: Over the quota or the rate; nothing is recorded.
    """
    take_turn(session, f"uploads:{owner}")
    allowance = upload_allowance(session, owner=owner, now=now, quota=quota)
    check_allowance(allowance, sum(file[4] for file in files), quota)
    return record_attachments(session, files, owner=owner, now=now)


def owned_attachments(
    session: Session, urls: list[object], *, owner: str, limit: int, now: float
) -> list[dict[str, object]]:
    """The attachments a message may carry: the sender's own uploads only.

    They are marked as sent (if not yet), so the cleanup of unsent uploads never
    takes them; the update locks them against a cleanup running at that moment.

    Args:
        session: The database session.
        urls: The ``/static/<name>`` links the client sent.
        owner: The verified sender.
        limit: The most attachments one message may carry.
        now: The current time, seconds since the epoch.

    Returns:
        Their public descriptions, in the order sent.

    Raises:
        ChatError: If there are too many, or a link is not one of the sender's.
    """
    if len(urls) > limit:
        raise ChatError(f"A message carries at most {limit} files.")
    names = []
    for url in urls:
        if not isinstance(url, str) or not url.startswith("/static/"):
            raise ChatError("That attachment is not one of your uploads.")
        names.append(url.removeprefix("/static/"))
    if not names:
        return []
    mine = (col(Attachment.stored_name).in_(names), col(Attachment.owner) == owner)
    session.exec(
        update(Attachment)
        .where(*mine, col(Attachment.sent_at).is_(None))
        .values(sent_at=now)
    )
    rows = {
        row.stored_name: row for row in session.exec(select(Attachment).where(*mine))
    }
    if any(name not in rows for name in names):
        raise ChatError("That attachment is not one of your uploads.")
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
