"""Uploads that no message carries are removed after a while; sent ones stay."""

import asyncio

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlmodel import select

from chat_app.db import MIGRATIONS, make_engine, upgrade
from chat_app.domain.errors import ChatError
from chat_app.domain.files import stored_name
from chat_app.models import Attachment
from chat_app.rooms import messages
from chat_app.uploads import records
from chat_app.uploads.receive import remove_stored

NOW = 1_800_000_000.0
DAY = 24 * 3600.0


def upload(session, owner: str, at: float) -> str:
    name = stored_name(".png")
    records.record_attachments(
        session, [(name, "photo.png", "image", "image/png", 10)], owner=owner, now=at
    )
    session.commit()
    return name


def post(session, settings, text: str, at: float, links: list[object]):
    return messages.post(
        session,
        room="sala-1",
        author="ana",
        text=text,
        clock=lambda: at,
        attachment_urls=links,
        settings=settings,
    )


def test_only_old_unsent_uploads_expire(session, settings):
    old_unsent = upload(session, "ana", NOW - 2 * DAY)
    old_sent = upload(session, "ana", NOW - 2 * DAY)
    fresh = upload(session, "ana", NOW - 60)
    post(session, settings, "look", NOW - DAY - 10, [f"/static/{old_sent}"])
    session.commit()
    expired = records.expire_unsent_uploads(session, now=NOW, older_than=DAY)
    session.commit()
    assert expired == [old_unsent]
    left = set(session.exec(select(Attachment.stored_name)).all())
    assert left == {old_sent, fresh}


def test_an_expired_upload_can_no_longer_be_sent(session, settings):
    name = upload(session, "ana", NOW - 2 * DAY)
    records.expire_unsent_uploads(session, now=NOW, older_than=DAY)
    session.commit()
    with pytest.raises(ChatError, match="not one of your uploads"):
        post(session, settings, "late", NOW, [f"/static/{name}"])


def test_files_are_removed_by_stored_name_only(tmp_path):
    kept = tmp_path / "keep.txt"
    kept.write_text("not an upload name")
    name = stored_name(".png")
    (tmp_path / name).write_bytes(b"png")
    asyncio.run(remove_stored(tmp_path, [name, "keep.txt", "../keep.txt", name]))
    assert not (tmp_path / name).exists()
    assert kept.exists()


def test_the_migration_marks_uploads_that_messages_carry_as_sent(settings):
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", settings.database_url)
    command.upgrade(config, "0004")
    engine = make_engine(settings.database_url)
    with engine.begin() as connection:
        for name in ("sent.png", "unsent.png"):
            connection.execute(
                text(
                    "INSERT INTO attachments (stored_name, original_name,"
                    " content_type, kind, size, owner, created_at)"
                    " VALUES (:name, 'a.png', 'image/png', 'image', 1, 'ana', 1.0)"
                ),
                {"name": name},
            )
        connection.execute(
            text(
                "INSERT INTO messages (room, seq, author, text, sent_at_ms,"
                " attachments) VALUES ('sala-1', 1, 'ana', 'x', 5000, :files)"
            ),
            {"files": '[{"url": "/static/sent.png"}]'},
        )
    upgrade(settings.database_url)
    with engine.connect() as connection:
        result = connection.execute(
            text("SELECT stored_name, sent_at FROM attachments")
        )
        rows = {name: sent_at for name, sent_at in result}
    engine.dispose()
    assert rows == {"sent.png": 5.0, "unsent.png": None}


@pytest.mark.parametrize(
    "link",
    [
        "/static/\x00.png",
        "/static/" + "0" * 32 + "\x00.png",
        "/static/../../etc/passwd",
        "/static/" + "a" * 5000,
        "/static/",
    ],
    ids=["nul", "nul-in-a-name", "path", "long", "empty"],
)
def test_a_link_that_is_no_stored_name_is_not_one_of_the_senders_uploads(session, link):
    mine = upload(session, "ana", NOW - 60)
    with pytest.raises(ChatError, match="not one of your uploads"):
        records.owned_attachments(
            session, [f"/static/{mine}", link], owner="ana", limit=10, now=NOW
        )
    session.rollback()
    # The session is still good (PostgreSQL aborts a transaction a query failed in).
    [carried] = records.owned_attachments(
        session, [f"/static/{mine}"], owner="ana", limit=10, now=NOW
    )
    assert carried["url"] == f"/static/{mine}"


def test_an_upload_goes_with_one_message_only(session):
    mine = upload(session, "ana", NOW - 60)
    link = f"/static/{mine}"
    with pytest.raises(ChatError, match="not one of your uploads"):
        records.owned_attachments(session, [link, link], owner="ana", limit=10, now=NOW)
    session.rollback()
    [carried] = records.owned_attachments(
        session, [link], owner="ana", limit=10, now=NOW
    )
    assert carried["url"] == link
    with pytest.raises(ChatError, match="not one of your uploads"):
        records.owned_attachments(session, [link], owner="ana", limit=10, now=NOW + 1)
