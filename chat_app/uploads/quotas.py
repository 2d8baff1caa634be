"""Upload quotas: per uploader, and per client address.

An uploader may upload so many bytes a day, keep so many, and make so many uploads
a minute; a client address so many bytes a day, every account on it together (so
accounts made in a row do not multiply the quota).

They are counted from the attachment records and from the reservations of uploads
still streaming: an upload holds its bytes before its body is read, so parallel
uploads, on any process, count each other instead of being all written to disk
only to be refused at the end.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, delete, select

from chat_app.db import take_turn
from chat_app.domain.errors import ChatError
from chat_app.domain.files import size_text
from chat_app.domain.limits import seconds_to_wait
from chat_app.domain.text import Text
from chat_app.models import Attachment, UploadReservation
from chat_app.uploads.records import address_key, record_attachments

DAY_SECONDS = 24 * 3600
MINUTE_SECONDS = 60


@dataclass(frozen=True)
class UploadQuota:
    """What one user (bytes a day, kept, uploads a minute) and address may upload."""

    bytes_per_day: int
    bytes_kept: int
    uploads_per_minute: int
    bytes_per_address_per_day: int


@dataclass(frozen=True)
class Reservation:
    """Bytes of the quotas an upload holds while it streams: at most ``size``.

    ``message`` says which quota binds and what it has left, for a refusal.
    """

    id: int
    size: int
    message: Text


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
    message: Text


class QuotaError(ChatError):
    """An upload over the sender's quota (``retry_after`` 0) or rate (> 0)."""

    def __init__(self, message: str | Text, *, retry_after: int = 0) -> None:
        """Describe the refusal.

        Args:
            message: What the sender reads.
            retry_after: Seconds until another upload is allowed, for a rate.
        """
        super().__init__(message)
        self.retry_after = retry_after


def upload_allowance(
    session: Session,
    *,
    owner: str,
    now: float,
    quota: UploadQuota,
    address: str | None = None,
) -> Allowance:
    """How much the owner may upload now, recorded uploads and streaming ones counted.

    The files of one upload share its ``created_at``, so the uploads of the last
    minute are its distinct times (and the uploads streaming).

    Args:
        session: The database session.
        owner: The uploader's username.
        now: The current time, seconds since the epoch.
        quota: The limits.
        address: The client's address, whose daily quota binds too (None: only
            the owner's quotas).

    Returns:
        The allowance.
    """
    mine = col(Attachment.owner) == owner
    held = col(UploadReservation.owner) == owner
    streaming = _held_bytes(session, now, held)
    kept = _stored_bytes(session, mine) + streaming
    today = _stored_bytes(session, mine, _since(now - DAY_SECONDS)) + streaming
    started = col(UploadReservation.created_at) > now - MINUTE_SECONDS
    recent = [
        *session.exec(
            select(Attachment.created_at)
            .distinct()
            .where(mine, _since(now - MINUTE_SECONDS))
        ),
        *session.exec(
            select(UploadReservation.created_at).where(held, started, _live(now))
        ),
    ]
    wait = seconds_to_wait(
        recent, now=now, limit=quota.uploads_per_minute, window=MINUTE_SECONDS
    )
    day_left = quota.bytes_per_day - today
    kept_left = quota.bytes_kept - kept
    limits = [
        (
            day_left,
            Text(
                "Uploads are limited to {limit} a day; you have {left} left today.",
                {"limit": size_text(quota.bytes_per_day), "left": size_text(day_left)},
            ),
        ),
        (
            kept_left,
            Text(
                "Uploads kept are limited to {limit} per person; you have {left} left.",
                {"limit": size_text(quota.bytes_kept), "left": size_text(kept_left)},
            ),
        ),
    ]
    if address is not None:
        key = address_key(address)
        there_left = quota.bytes_per_address_per_day - (
            _stored_bytes(
                session, col(Attachment.address) == key, _since(now - DAY_SECONDS)
            )
            + _held_bytes(session, now, col(UploadReservation.address) == key)
        )
        limits.append(
            (
                there_left,
                Text(
                    "Uploads from your address (every account on it together) are "
                    "limited to {limit} a day; it has {left} left today.",
                    {
                        "limit": size_text(quota.bytes_per_address_per_day),
                        "left": size_text(there_left),
                    },
                ),
            )
        )
    left, message = min(limits, key=lambda limit: limit[0])  # the first of equals
    return Allowance(bytes_left=max(0, left), wait_seconds=wait, message=message)


def _since(moment: float) -> ColumnElement[bool]:
    return col(Attachment.created_at) > moment


def _live(now: float) -> ColumnElement[bool]:
    return col(UploadReservation.expires_at) > now


def _stored_bytes(session: Session, *where: ColumnElement[bool]) -> int:
    total = select(func.coalesce(func.sum(Attachment.size), 0)).where(*where)
    return int(session.exec(total).one())


def _held_bytes(session: Session, now: float, *where: ColumnElement[bool]) -> int:
    total = select(func.coalesce(func.sum(UploadReservation.size), 0))
    return int(session.exec(total.where(_live(now), *where)).one())


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
            Text(
                "At most {limit} uploads a minute: try again in {wait} s.",
                {"limit": quota.uploads_per_minute, "wait": allowance.wait_seconds},
            ),
            retry_after=allowance.wait_seconds,
        )
    if size > allowance.bytes_left or allowance.bytes_left == 0:
        raise over_quota(allowance.message)


def over_quota(binding: Text) -> QuotaError:
    """The refusal of an upload over a quota.

    Args:
        binding: Which quota binds and what it has left.

    Returns:
        The error.
    """
    return QuotaError(
        Text("This upload is over your quota. {reason}", {"reason": binding})
    )


def _take_turns(session: Session, owner: str, address: str) -> None:
    """Take the owner's turn, then the address's.

    Always in this order, so two uploads never each hold one and wait for the other.
    """
    take_turn(session, f"uploads:{owner}")
    take_turn(session, f"uploads-from:{address_key(address)}")


def reserve_upload(
    session: Session,
    *,
    owner: str,
    address: str,
    size: int,
    now: float,
    expires_at: float,
    quota: UploadQuota,
) -> Reservation:
    """Hold up to ``size`` bytes of the owner's and the address's quotas.

    For an upload about to stream, so that uploads in parallel, on any process,
    count it. Taking the owner's and the address's turns, it counts what is
    recorded and what the others hold (forgetting reservations past their expiry).

    Args:
        session: The database session.
        owner: The uploader's username.
        address: The client's address.
        size: The most bytes the upload may bring (its declared length).
        now: The current time.
        expires_at: When the reservation stops counting if never released (its
            process died).
        quota: The limits.

    Returns:
        The reservation: ``size``, or less when less is left.

    Raises:
        QuotaError: Over the rate, or nothing left.
    """
    _take_turns(session, owner, address)
    session.exec(delete(UploadReservation).where(~_live(now)))
    allowance = upload_allowance(
        session, owner=owner, now=now, quota=quota, address=address
    )
    check_allowance(allowance, 0, quota)
    row = UploadReservation(
        owner=owner,
        address=address_key(address),
        size=min(size, allowance.bytes_left),
        created_at=now,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return Reservation(id=row.id, size=row.size, message=allowance.message)


def release_upload(session: Session, reservation: int) -> None:
    """Give back what an upload that was not recorded held.

    Args:
        session: The database session.
        reservation: Its id.
    """
    session.exec(
        delete(UploadReservation).where(col(UploadReservation.id) == reservation)
    )


def record_within_quota(
    session: Session,
    files: list[tuple[str, str, str, str, int]],
    *,
    owner: str,
    address: str,
    now: float,
    quota: UploadQuota,
    reservation: int | None = None,
) -> list[dict[str, object]]:
    """Record received files in place of their reservation, if the quotas allow.

    The owner's and the address's quotas and the rate are checked again, and the
    check and the record take the owner's and the address's turns (one
    transaction at a time per owner and per address, across processes), so
    parallel uploads never store more than the quotas together.

    Args:
        session: The database session.
        files: As for :func:`record_attachments`.
        owner: The uploader's username.
        address: The client's address.
        now: The current time.
        quota: The limits.
        reservation: The upload's reservation, which the files replace.

    Returns:
        The public descriptions, in order.

    Raises:
        QuotaError: Over a quota or the rate; nothing is recorded and the
            reservation is kept (release it).
    """
    _take_turns(session, owner, address)
    if reservation is not None:  # not counted against itself
        release_upload(session, reservation)
    allowance = upload_allowance(
        session, owner=owner, now=now, quota=quota, address=address
    )
    check_allowance(allowance, sum(file[4] for file in files), quota)
    return record_attachments(session, files, owner=owner, now=now, address=address)
