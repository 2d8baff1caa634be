"""The one guard in front of every chat handler: signed in, refusals shown.

A handler behind ``chat_event`` starts by asking its state who is calling (the
verified session, re-checked at every event, never an argument) and raises to
refuse; the guard turns a refusal into a clear message that changes nothing, and
a session that ended into the login page.
"""

import functools
import inspect
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, TypeVarTuple, cast

import reflex as rx

from chat_app.db import DatabaseUnavailableError
from chat_app.domain.errors import ChatError


class Guarded(Protocol):
    """A state whose handlers the guard may refuse."""

    async def _refuse(self, error: ChatError) -> None:
        """Tell the tab why its event was refused.

        Args:
            error: The refusal.
        """
        ...


LOGIN_ROUTE = "/login"

Args = TypeVarTuple("Args")
S = TypeVar("S", bound=rx.State)


class SignedOut(Exception):
    """The tab's session is not valid (any more); the tab was expelled."""


def chat_event(handler: Callable[[S, *Args], Any]):
    """Make a handler an event that refuses cleanly.

    A refusal (a ``ChatError`` such as "not in this room" or "too fast") shows
    in the tab's error banner and changes nothing else; a session that is no
    longer valid sends the tab to the login page. An unreachable database is not
    a refusal: it goes on to the backend exception handler, which says so.

    Every handler of the app's states goes through it: arguments a handler
    does not take, or missing ones, are refused the same clear way.

    Args:
        handler: A handler of a state with ``_refuse``; it raises ``ChatError``
            to refuse.

    Returns:
        The event handler.
    """
    # Reflex calls handlers with keyword arguments, named as the handler's own.
    call = cast(Callable[..., Any], handler)
    signature = inspect.signature(handler)

    @functools.wraps(handler)
    async def guarded(self: S, *args: Any, **kwargs: Any) -> Any:
        try:
            try:
                signature.bind(self, *args, **kwargs)
            except TypeError as error:  # arguments missing, or unknown ones
                raise ChatError("That request was not understood.") from error
            result = call(self, *args, **kwargs)
            return await result if inspect.isawaitable(result) else result
        except SignedOut:
            return rx.redirect(LOGIN_ROUTE)
        except DatabaseUnavailableError:
            raise
        except ChatError as error:
            await cast(Guarded, self)._refuse(error)
            return None

    return rx.event(cast("Callable[[S, *Args], Any]", guarded))
