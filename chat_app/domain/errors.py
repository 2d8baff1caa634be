"""The one error type the chat's rules raise."""

from chat_app.domain.text import Text


class ChatError(ValueError):
    """A request broke a chat rule; ``text`` is what the user reads, in any language.

    ``str(error)`` is the English text (for logs);
    ``i18n.translate(error.text, language)`` the text in the reader's language.
    """

    def __init__(self, message: str | Text, **values: object) -> None:
        """Say what was refused.

        Args:
            message: The English template (``{named}`` values), or a ``Text``.
            **values: The values the template names.
        """
        self.text = message if isinstance(message, Text) else Text(message, values)
        super().__init__(str(self.text))


NOT_ALLOWED = Text("You are not allowed to do that.")


class NotAllowedError(ChatError):
    """The person may see what they act on, but not do this to it."""

    def __init__(self, message: str | Text = NOT_ALLOWED) -> None:
        """Say what was refused.

        Args:
            message: Why, if more can be said.
        """
        super().__init__(message)
