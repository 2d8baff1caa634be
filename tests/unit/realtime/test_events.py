import asyncio
import json

import pytest
import reflex as rx
from redis.exceptions import ConnectionError as RedisConnectionError
from reflex.event import EventSpec
from reflex.istate.data import SessionData
from reflex_base.event import Event

from chat_app import logs
from chat_app.db import DatabaseUnavailableError
from chat_app.realtime.events import ConnectionIds, log_backend_exception
from tests.support.log_capture import captured_logs


async def test_every_event_is_bound_to_its_socket_id():
    root = rx.State(_reflex_internal_init=True)  # pyright: ignore[reportCallIssue]
    root.rx_router_session = SessionData(session_id="sid-7")

    async def preprocess() -> tuple[object, tuple[str, str] | None]:
        update = await ConnectionIds().preprocess(
            app=None,  # pyright: ignore[reportArgumentType]
            state=root,
            event=Event(name="state.handler"),
        )
        return update, logs.bound_id()

    # Each event runs in a task of its own: the binding stays in it.
    assert await asyncio.create_task(preprocess()) == (None, ("conn_id", "sid-7"))
    assert logs.bound_id() is None


def test_an_unexpected_failure_is_logged_and_the_user_told():
    with captured_logs("INFO", "json") as captured:
        try:
            raise RuntimeError("broken")
        except RuntimeError as error:
            answer = log_backend_exception(error)
    (line,) = captured.lines()
    assert line["level"] == "ERROR"
    assert line["logger"] == "chat_app.realtime.events"
    assert "RuntimeError: broken" in line["exception"]
    assert isinstance(answer, EventSpec)


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (DatabaseUnavailableError(), "cannot reach its database"),
        (RedisConnectionError("Connection refused"), "(Redis)"),
    ],
)
def test_an_outage_is_a_warning_and_the_user_reads_what_is_wrong(error, shown):
    with captured_logs("INFO", "json") as captured:
        answer = log_backend_exception(error)
    (line,) = captured.lines()
    assert line["level"] == "WARNING"
    assert "exception" not in line
    assert shown in json.dumps(answer.args, default=str)
