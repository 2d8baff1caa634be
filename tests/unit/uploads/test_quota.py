"""Each uploader's quota (bytes a day, bytes kept, uploads a minute) and each
address's (bytes a day); uploads still streaming hold their bytes; parallel
uploads never store or hold more than the quotas together."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, select

from chat_app.db import make_engine, upgrade
from chat_app.domain.files import size_text, stored_name
from chat_app.models import Attachment, UploadReservation
from chat_app.uploads import quotas, records
from chat_app.uploads.quotas import QuotaError, UploadQuota

NOW = 1_800_000_000.0
DAY = 24 * 3600.0
QUOTA = UploadQuota(
    bytes_per_day=1000,
    bytes_kept=3000,
    uploads_per_minute=3,
    bytes_per_address_per_day=1500,
)
HERE = "203.0.113.7"


def files(*sizes: int) -> list[tuple[str, str, str, str, int]]:
    return [
        (stored_name(".bin"), "f.bin", "file", "application/octet-stream", size)
        for size in sizes
    ]


def record(session, owner: str, at: float, *sizes: int, address=None) -> None:
    records.record_attachments(
        session, files(*sizes), owner=owner, now=at, address=address
    )
    session.commit()


def allowance(session, owner: str = "ana", address=None) -> quotas.Allowance:
    return quotas.upload_allowance(
        session, owner=owner, now=NOW, quota=QUOTA, address=address
    )


def test_the_day_counts_the_last_24_hours_of_the_owners_uploads(session):
    record(session, "ana", NOW - DAY - 1, 900)  # yesterday: kept, not today
    record(session, "ana", NOW - 3600, 300, 100)
    record(session, "bia", NOW - 60, 999)
    left = allowance(session)
    assert left.bytes_left == 600
    assert left.wait_seconds == 0
    assert "600 bytes left today" in str(left.message)


def test_bytes_kept_count_every_day(session):
    for days in (30, 20, 10):
        record(session, "ana", NOW - days * DAY, 900)
    left = allowance(session)
    assert left.bytes_left == 300
    assert "300 bytes left" in str(left.message) and "kept" in str(left.message)


def test_the_rate_counts_uploads_not_files(session):
    record(session, "ana", NOW - 50, 1, 1, 1, 1)  # one upload of four files
    record(session, "ana", NOW - 40, 1)
    assert allowance(session).wait_seconds == 0
    record(session, "ana", NOW - 30, 1)
    # The oldest of the three leaves the minute in 10 s.
    assert allowance(session).wait_seconds == 10
    with pytest.raises(QuotaError, match="3 uploads a minute") as refused:
        quotas.check_allowance(allowance(session), 1, QUOTA)
    assert refused.value.retry_after == 10


def test_an_upload_over_what_is_left_is_refused_and_not_recorded(session):
    record(session, "ana", NOW - 60, 700)
    with pytest.raises(QuotaError, match="300 bytes left today"):
        quotas.record_within_quota(
            session, files(301), owner="ana", address=HERE, now=NOW, quota=QUOTA
        )
    session.rollback()
    quotas.record_within_quota(
        session, files(300), owner="ana", address=HERE, now=NOW, quota=QUOTA
    )
    session.commit()
    with pytest.raises(QuotaError):  # nothing left: even a byte is refused
        quotas.check_allowance(allowance(session), 0, QUOTA)


def test_parallel_uploads_of_one_user_never_store_more_than_the_quota(settings):
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    quota = UploadQuota(
        bytes_per_day=1000,
        bytes_kept=10**9,
        uploads_per_minute=100,
        bytes_per_address_per_day=10**9,
    )
    start = threading.Barrier(8)

    def upload(index: int) -> object:
        start.wait()
        with Session(engine, expire_on_commit=False) as session:
            try:
                quotas.record_within_quota(
                    session,
                    files(300),
                    owner="ana",
                    address=HERE,
                    now=NOW + index,
                    quota=quota,
                )
                session.commit()
                return "stored"
            except QuotaError as error:
                session.rollback()
                return error

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(upload, range(8)))
        with Session(engine) as session:
            sizes = session.exec(select(Attachment.size)).all()
    finally:
        engine.dispose()
    assert results.count("stored") == 3
    assert sum(sizes) == 900


def reserve(session, owner: str, size: int, *, at: float = NOW, lasts: float = 3600):
    try:
        held = quotas.reserve_upload(
            session,
            owner=owner,
            address=HERE,
            size=size,
            now=at,
            expires_at=at + lasts,
            quota=QUOTA,
        )
    except QuotaError:
        session.rollback()
        raise
    session.commit()
    return held


def test_an_upload_streaming_holds_its_bytes_until_recorded_or_released(session):
    held = reserve(session, "ana", 600)
    assert held.size == 600
    assert allowance(session).bytes_left == 400
    second = reserve(session, "ana", 600)  # only what is left
    assert second.size == 400
    with pytest.raises(QuotaError, match="0 bytes left today"):
        reserve(session, "ana", 1)
    quotas.release_upload(session, second.id)
    session.commit()
    assert allowance(session).bytes_left == 400
    # Recorded, the files take their reservation's place: never counted twice.
    quotas.record_within_quota(
        session,
        files(500),
        owner="ana",
        address=HERE,
        now=NOW,
        quota=QUOTA,
        reservation=held.id,
    )
    session.commit()
    assert allowance(session).bytes_left == 500
    assert session.exec(select(UploadReservation)).all() == []


def test_a_reservation_never_released_stops_counting_when_it_expires(session):
    reserve(session, "ana", 600, lasts=60)  # its process died mid-upload
    assert allowance(session).bytes_left == 400
    later = quotas.upload_allowance(session, owner="ana", now=NOW + 61, quota=QUOTA)
    assert later.bytes_left == 1000
    reserve(session, "ana", 1000, at=NOW + 61)  # which forgets it
    assert len(session.exec(select(UploadReservation)).all()) == 1


def test_every_account_of_one_address_shares_its_daily_quota(session):
    record(session, "ana", NOW - 3600, 800, address=HERE)
    record(session, "bia", NOW - DAY - 1, 900, address=HERE)  # yesterday
    reserve(session, "bia", 400)  # still streaming from here
    left = allowance(session, "cao", address=HERE)
    assert left.bytes_left == 300
    assert "from your address" in str(left.message)
    assert "300 bytes left today" in str(left.message)
    assert allowance(session, "cao", address="198.51.100.1").bytes_left == 1000
    assert allowance(session, "cao").bytes_left == 1000


def test_an_address_too_long_for_its_column_is_kept_as_a_digest(session):
    far = "2001:db8::" + "f" * 300  # a proxy's X-Forwarded-For may say anything
    record(session, "ana", NOW - 60, 700, address=far)
    assert len(records.address_key(far)) <= records.MAX_ADDRESS
    assert allowance(session, "bia", address=far).bytes_left == 800
    assert allowance(session, "bia", address=far[:-1]).bytes_left == 1000


def test_uploads_streaming_count_toward_the_rate(session):
    for _ in range(3):
        reserve(session, "ana", 1)
    with pytest.raises(QuotaError, match="3 uploads a minute") as refused:
        reserve(session, "ana", 1)
    assert refused.value.retry_after == 60


def test_parallel_reservations_never_hold_more_than_the_quota(settings):
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    quota = UploadQuota(
        bytes_per_day=1000,
        bytes_kept=10**9,
        uploads_per_minute=100,
        bytes_per_address_per_day=10**9,
    )
    start = threading.Barrier(8)

    def reserve_one(index: int) -> object:
        start.wait()
        with Session(engine, expire_on_commit=False) as session:
            try:
                held = quotas.reserve_upload(
                    session,
                    owner="ana",
                    address=f"10.0.0.{index}",
                    size=300,
                    now=NOW,
                    expires_at=NOW + 60,
                    quota=quota,
                )
                session.commit()
                return held.size
            except QuotaError as error:
                session.rollback()
                return error

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(reserve_one, range(8)))
    finally:
        engine.dispose()
    held = sorted(size for size in results if isinstance(size, int))
    assert held == [100, 300, 300, 300]


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (1023, "1023 bytes"),
        (40_000, "39.1 KB"),
        (256 * 1024, "256 KB"),
        (25 * 1024 * 1024, "25 MB"),
        (int(1.5 * 1024**3), "1.5 GB"),
        (-5, "0 bytes"),
    ],
)
def test_sizes_are_told_in_units_people_read(size, text):
    assert size_text(size) == text
