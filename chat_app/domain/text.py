"""Text people read, kept in English until it is shown (see ``chat_app.i18n``)."""

from collections.abc import Mapping
from dataclasses import dataclass, field


def N_(msgid: str) -> str:  # noqa: N802 (gettext's own name for the marker)
    """Mark a string for the catalogs where it is defined, translated where shown.

    Args:
        msgid: The English text.

    Returns:
        The same text.
    """
    return msgid


@dataclass(frozen=True)
class Text:
    """A message to translate later: its English template and the values it names.

    ``str()`` gives the English text (for logs and tests);
    ``i18n.translate(text, language)`` the text in a language. Values that are
    themselves ``Text`` are translated with it.
    """

    msgid: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        """The English text (the code's own, no catalog needed)."""
        values = {name: str(value) for name, value in self.params.items()}
        return self.msgid.format(**values) if values else self.msgid
