"""Each uploader's quota: bytes a day, bytes kept, uploads a minute; parallel
uploads of one user never store more than it together."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, select

from chat_app.db import make_engine, upgrade
from chat_app.domain.files import size_text, stored_name
from chat_app.models import Attachment
from chat_app.uploads import records
from chat_app.uploads.records import QuotaError, UploadQuota

NOW = 1_800_000_000.0
DAY = 24 * 3600.0
QUOTA = UploadQuota(bytes_per_day=1000, bytes_kept=3000, uploads_per_minute=3)


def files(*sizes: int) -> list[tuple[str, str, str, str, int]]:
    return [
        (stored_name(".bin"), "f.bin", "file", "application/octet-stream", size)
        for size in sizes
    ]


def record(session, owner: str, at: float, *sizes: int) -> None:
    records.record_attachments(session, files(*sizes), owner=owner, now=at)
    session.commit()


def allowance(session, owner: str = "ana") -> records.Allowance:
    return records.upload_allowance(session, owner=owner, now=NOW, quota=QUOTA)


def test_the_day_counts_the_last_24_hours_of_the_owners_uploads(session):
    record(session, "ana", NOW - DAY - 1, 900)  # yesterday: kept, not today
    record(session, "ana", NOW - 3600, 300, 100)
    record(session, "bia", NOW - 60, 999)
    left = allowance(session)
    assert left.bytes_left == 600
    assert left.wait_seconds == 0
    assert "600 bytes left today" in left.message


def test_bytes_kept_count_every_day(session):
    for days in (30, 20, 10):
        record(session, "ana", NOW - days * DAY, 900)
    left = allowance(session)
    assert left.bytes_left == 300
    assert "300 bytes left" in left.message and "kept" in left.message


def test_the_rate_counts_uploads_not_files(session):
    record(session, "ana", NOW - 50, 1, 1, 1, 1)  # one upload of four files
    record(session, "ana", NOW - 40, 1)
    assert allowance(session).wait_seconds == 0
    record(session, "ana", NOW - 30, 1)
    # The oldest of the three leaves the minute in 10 s.
    assert allowance(session).wait_seconds == 10
    with pytest.raises(QuotaError, match="3 uploads a minute") as refused:
        records.check_allowance(allowance(session), 1, QUOTA)
    assert refused.value.retry_after == 10


def test_an_upload_over_what_is_left_is_refused_and_not_recorded(session):
    record(session, "ana", NOW - 60, 700)
    with pytest.raises(QuotaError, match="300 bytes left today"):
        records.record_within_quota(
            session, files(301), owner="ana", now=NOW, quota=QUOTA
        )
    session.rollback()
    records.record_within_quota(session, files(300), owner="ana", now=NOW, quota=QUOTA)
    session.commit()
    with pytest.raises(QuotaError):  # nothing left: even a byte is refused
        records.check_allowance(allowance(session), 0, QUOTA)


def test_parallel_uploads_of_one_user_never_store_more_than_the_quota(settings):
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    quota = UploadQuota(bytes_per_day=1000, bytes_kept=10**9, uploads_per_minute=100)
    start = threading.Barrier(8)

    def upload(index: int) -> object:
        start.wait()
        with Session(engine, expire_on_commit=False) as session:
            try:
                records.record_within_quota(
                    session, files(300), owner="ana", now=NOW + index, quota=quota
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
