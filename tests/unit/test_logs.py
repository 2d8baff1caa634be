import asyncio
import logging
import re

import pytest

from chat_app import logs
from chat_app.security import create_token, hash_password
from tests.support.log_capture import captured_logs


@pytest.fixture
def output():
    """Yields ``configure(level, fmt)``, which returns the captured logs."""
    with captured_logs() as captured:

        def configure(level: str = "INFO", fmt: logs.LogFormat = "json"):
            captured.configure(level, fmt)
            return captured

        yield configure


def test_json_lines_carry_time_level_logger_message_id_and_extras(output):
    logged = output("INFO", "json")
    token = logs.bind_request("req-1")
    logging.getLogger("chat_app.api").info(
        "Upload accepted.", extra={"count": 2, "bytes": 10}
    )
    logs.unbind(token)
    logging.getLogger("chat_app.api").info("After the request.")
    first, second = logged.lines()
    assert first["level"] == "INFO"
    assert first["logger"] == "chat_app.api"
    assert first["message"] == "Upload accepted."
    assert first["request_id"] == "req-1"
    assert (first["count"], first["bytes"]) == (2, 10)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", first["time"])
    assert "request_id" not in second


def test_one_line_per_record_even_with_newlines_and_a_traceback(output):
    logged = output("INFO", "json")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("chat_app.x").exception("Two\nlines.")
    (line,) = logged.lines()
    assert line["message"] == "Two\nlines."
    assert "RuntimeError: boom" in line["exception"]


async def test_a_connection_id_stays_in_its_task_and_reaches_worker_threads(output):
    logged = output("INFO", "json")
    log = logging.getLogger("chat_app.state")

    async def handler(sid: str) -> None:
        logs.bind_connection(sid)
        await asyncio.to_thread(log.info, "In a worker thread.")
        log.info("In the task.")

    await asyncio.gather(
        asyncio.create_task(handler("sid-a")), asyncio.create_task(handler("sid-b"))
    )
    log.info("Outside any event.")
    lines = logged.lines()
    assert sorted(line.get("conn_id") for line in lines[:4]) == [
        "sid-a",
        "sid-a",
        "sid-b",
        "sid-b",
    ]
    assert "conn_id" not in lines[4]


def test_the_level_filters_the_chat_and_other_libraries_log_warnings(output):
    logged = output("WARNING", "json")
    logging.getLogger("chat_app.x").info("dropped")
    logging.getLogger("chat_app.x").warning("kept")
    assert [line["message"] for line in logged.lines()] == ["kept"]

    logged = output("DEBUG", "json")
    logging.getLogger("chat_app.x").debug("chat debug")
    logging.getLogger("some_library").info("library info")
    logging.getLogger("some_library").warning("library warning")
    messages = [line["message"] for line in logged.lines()]
    assert messages[-2:] == ["chat debug", "library warning"]


def test_configuring_twice_installs_one_handler(output):
    output("INFO", "json")
    output("DEBUG", "text")
    named = [
        handler
        for handler in logging.getLogger().handlers
        if handler.get_name() == logs.HANDLER_NAME
    ]
    assert len(named) == 1
    assert isinstance(named[0].formatter, logs.TextFormatter)


def test_tokens_hashes_and_sensitive_keys_never_reach_a_line(output):
    logged = output("DEBUG", "json")
    password = "correct horse battery staple"
    password_hash = hash_password(password, rounds=4)
    token, _ = create_token(7, secret=b"s" * 32, now=1_700_000_000, ttl_seconds=60)
    log = logging.getLogger("chat_app.x")
    log.info(f"Sent {token} with hash {password_hash}")
    log.info(
        "Fields.",
        extra={
            "password": password,
            "session_token": token,
            "password_hash": password_hash,
            "headers": {"Authorization": f"Bearer {token}", "accept": "*/*"},
            "note": f"bearer {token.split('.')[2]}",
        },
    )
    try:
        raise ValueError(f"bad token {token}")
    except ValueError:
        log.exception("Failed.")
    text = logged.text()
    for secret in (password, password_hash, token, token.split(".")[2]):
        assert secret not in text
    first, second, third = logged.lines()
    assert first["message"] == "Sent [jwt] with hash [hash]"
    assert second["password"] == second["session_token"] == logs.REDACTED
    assert second["headers"] == {"Authorization": logs.REDACTED, "accept": "*/*"}
    assert second["note"] == "bearer [redacted]"
    assert "[jwt]" in third["exception"]


def test_the_text_format_is_readable(output):
    logged = output("INFO", "text")
    token = logs.bind_connection("sid-9")
    logging.getLogger("chat_app.state").info(
        "Entered a room.", extra={"username": "ana", "room": "sala-1", "why": "a b"}
    )
    logs.unbind(token)
    logging.getLogger("chat_app.state").warning("No id.")
    first, second = logged.text().splitlines()
    assert re.fullmatch(
        r"\S+Z INFO    chat_app\.state \[conn_id=sid-9\] Entered a room\. "
        r'username=ana room=sala-1 why="a b"',
        first,
    )
    assert second.endswith("WARNING chat_app.state [-] No id.")


def test_level_names_are_checked():
    assert logs.level_number("debug") == logging.DEBUG
    assert logs.level_number(30) == logging.WARNING
    with pytest.raises(ValueError, match="not a logging level"):
        logs.level_number("LOUD")
