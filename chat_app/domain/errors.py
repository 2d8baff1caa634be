"""The one error type the chat's rules raise."""


class ChatError(ValueError):
    """A request broke a chat rule; ``str(error)`` is the message shown to the user."""
