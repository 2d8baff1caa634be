"""Portuguese (Brazil) and English: the catalogs, choosing a language, translating.

Every string a person reads is written in English in the code and looked up in
the gettext catalogs under ``chat_app/locales`` (``.po`` files, compiled to
``.mo`` by ``make catalogs``). The chat's rules raise errors carrying a
:class:`Text` (the English template and its values), translated at the edge: in
the tab's language for the chat, by ``Accept-Language`` for the API
(:func:`translate`).
"""

import functools
import re
from pathlib import Path

from babel.core import Locale, UnknownLocaleError
from babel.support import Translations

from chat_app.domain.text import Text

LANGUAGES = ("pt-BR", "en")
DEFAULT_LANGUAGE = "pt-BR"
LOCALE_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
# The catalogs' folders, by language tag.
LOCALE_NAMES = {"pt-BR": "pt_BR", "en": "en"}


class CatalogMissingError(RuntimeError):
    """A compiled catalog is missing: ``make catalogs`` builds them."""


@functools.cache
def translations(language: str) -> Translations:
    """The compiled catalog of a language.

    Args:
        language: One of :data:`LANGUAGES`.

    Returns:
        Its translations.

    Raises:
        CatalogMissingError: If the ``.mo`` file was not built.
    """
    compiled = LOCALE_DIR / LOCALE_NAMES[language] / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not compiled.exists():
        raise CatalogMissingError(f"{compiled} is missing: run `make catalogs`.")
    with compiled.open("rb") as file:
        return Translations(file, domain=DOMAIN)


def supported(language: object) -> str:
    """A supported language tag for a value from a client, or the default.

    Args:
        language: Anything; ``"en"``, ``"pt-BR"`` (any case) are understood.

    Returns:
        One of :data:`LANGUAGES`.
    """
    if isinstance(language, str):
        for known in LANGUAGES:
            if language.lower() == known.lower():
                return known
    return DEFAULT_LANGUAGE


def negotiate(accept_language: str | None) -> str:
    """The language to use for an ``Accept-Language`` header.

    Portuguese of any region gets pt-BR and English of any region en; the first
    the client prefers wins; anything else gets the default (pt-BR).

    Args:
        accept_language: The header's value, or None.

    Returns:
        One of :data:`LANGUAGES`.
    """
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "")[:1000].split(",")):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        if tag and weight > 0:
            ranked.append((-weight, index, tag.strip()))
    for _, _, tag in sorted(ranked):
        try:
            locale = Locale.parse(tag, sep="-")
        except (ValueError, UnknownLocaleError):
            continue
        for known in LANGUAGES:
            if Locale.parse(LOCALE_NAMES[known]).language == locale.language:
                return known
    return DEFAULT_LANGUAGE


def gettext(language: str, msgid: str, **values: object) -> str:
    """Translate a message and fill in its ``{named}`` values.

    Args:
        language: One of :data:`LANGUAGES`.
        msgid: The English template, as written in the code.
        **values: The values it names.

    Returns:
        The text.
    """
    template = translations(supported(language)).gettext(msgid)
    return template.format(**values) if values else template


def translate(text: Text, language: str) -> str:
    """A message in a language, its values (and values that are messages) filled in.

    Args:
        text: The message.
        language: One of :data:`LANGUAGES` (anything else: the default).

    Returns:
        The translated text.
    """
    values = {
        name: translate(value, language) if isinstance(value, Text) else value
        for name, value in text.params.items()
    }
    return gettext(language, text.msgid, **values)


def ngettext(
    language: str, singular: str, plural: str, count: int, **values: object
) -> str:
    """Translate a message whose form depends on a number (``{count}`` in it).

    Args:
        language: One of :data:`LANGUAGES`.
        singular: The English singular template.
        plural: The English plural template.
        count: The number.
        **values: Other values the templates name.

    Returns:
        The text.
    """
    template = translations(supported(language)).ngettext(singular, plural, count)
    return template.format(count=count, **values)


def plural_rule(language: str) -> str:
    """A catalog's plural rule: the C expression of ``n`` in its header.

    Args:
        language: One of :data:`LANGUAGES`.

    Returns:
        The expression giving a plural form's index (valid JavaScript too).
    """
    header = translations(language).info().get("plural-forms", "")
    found = re.search(r"plural=(.+?);?\s*$", header)
    return found.group(1) if found else "(n != 1)"


def plural_templates(language: str, singular: str, plural: str) -> list[str]:
    """Every plural form of a message in a language, by the rule's index.

    Args:
        language: One of :data:`LANGUAGES`.
        singular: The English singular template.
        plural: The English plural template.

    Returns:
        The templates: the first is the one the rule gives index 0, and so on.
    """
    catalog = translations(language)
    by_index: dict[int, str] = {}
    for count in range(200):  # small numbers reach every form of these languages
        index = int(catalog.plural(count))
        by_index.setdefault(index, catalog.ngettext(singular, plural, count))
    return [by_index[index] for index in sorted(by_index)]
