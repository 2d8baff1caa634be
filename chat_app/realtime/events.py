"""Reflex event hooks: each event's connection id in the logs, and failures.

Every event runs in its own task; binding the socket's id before the handler
runs makes every line the handler logs (and its database work in worker
threads) carry ``conn_id``, without the handlers passing it along. A handler
that fails is logged and its user told, as an outage or as a bug.
"""

import logging

import reflex as rx
from redis.exceptions import RedisError
from reflex.event import Event, EventSpec
from reflex.middleware.middleware import Middleware
from reflex.state import BaseState, StateUpdate
from reflex_base.event.context import EventContext

from chat_app import logs
from chat_app.domain.errors import ChatError

logger = logging.getLogger(__name__)

FAILURE_MESSAGE = "Something went wrong on the server; please try again."
REDIS_MESSAGE = (
    "The chat cannot reach its state store (Redis) right now; nothing was sent. "
    "Try again in a moment."
)


class ConnectionIds(Middleware):
    """Binds each event to its socket's id for the logs; changes nothing else."""

    async def preprocess(
        self, app: rx.App, state: BaseState, event: Event
    ) -> StateUpdate | None:
        """Bind the event's socket id, then let the event run.

        Args:
            app: The app.
            state: The tab's root state.
            event: The event.

        Returns:
            None, so that the event is processed as usual.
        """
        logs.bind_connection(state.rx_router_session.session_id)
        return None


def _event_sid() -> str | None:
    """The socket id of the event being handled, if any."""
    try:
        return EventContext.get().router_data.get("sid")
    except LookupError:
        return None


def user_message(exception: Exception) -> str | None:
    """What to tell the user when a dependency, not a bug, failed the event.

    Args:
        exception: What the handler (or Reflex's state manager) raised.

    Returns:
        The message, or None for an unexpected failure.
    """
    if isinstance(exception, ChatError):  # e.g. the database is unreachable
        return str(exception)
    if isinstance(exception, RedisError):
        return REDIS_MESSAGE
    return None


def log_backend_exception(exception: Exception) -> EventSpec:
    """Log a handler's failure and tell the user, as Reflex would.

    An unreachable database or Redis is an outage, not a bug: it is logged as a
    warning and the user reads what is wrong. Anything else is logged as an
    error with its traceback. The exception handler runs outside the failed
    event's task, so the connection id is read from Reflex's event context.

    Args:
        exception: What the handler raised.

    Returns:
        An error toast (an alert where toasts cannot show).
    """
    sid = _event_sid()
    extra = {"conn_id": sid} if sid else None
    message = user_message(exception)
    if message is None:
        logger.error("An event handler failed.", exc_info=exception, extra=extra)
    else:
        logger.warning(
            "An event failed: a dependency is unavailable.",
            extra={**(extra or {}), "error": type(exception).__name__},
        )
    return rx.toast.error(
        message or FAILURE_MESSAGE,
        fallback_to_alert=True,
        id="backend_error",
        position="top-center",
    )
