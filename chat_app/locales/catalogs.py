"""Extract the chat's strings, update the catalogs, compile them.

``python -m chat_app.locales.catalogs update`` adds new strings of the code to
every ``.po`` (translators then fill them in); ``compile`` writes the ``.mo``
files the app reads (``make catalogs``, run by ``make run`` and ``make test``).
The test of the catalogs runs the same extraction.
"""

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from chat_app.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, LOCALE_NAMES

SOURCE_DIR = LOCALE_DIR.parent
# The calls whose string arguments people read: the markers, the components'
# ``t``/``tn``, and the errors that carry their message (argument positions
# counted from 1, as Babel does).
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "N_": None,
    "Text": None,
    "t": None,
    "t_raw": None,
    "tn": (1, 2),
    "gettext": (2,),
    "ngettext": (2, 3),
    "ChatError": None,
    "AuthError": None,
    "RateLimitedError": None,
    "NotAllowedError": None,
    "QuotaError": None,
    "FieldError": (2,),
    "UploadError": (3,),
    "ApiError": (3,),
    # An error class's own message: ``super().__init__("...")``.
    "__init__": None,
}


def catalog_path(language: str, suffix: str = ".po") -> Path:
    """Where a language's catalog is.

    Args:
        language: One of ``i18n.LANGUAGES``.
        suffix: ``.po`` (the source) or ``.mo`` (compiled).

    Returns:
        The path.
    """
    return LOCALE_DIR / LOCALE_NAMES[language] / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def extract() -> Catalog:
    """Every string of the code marked for translation.

    Returns:
        A template catalog (no translations), with each string's locations.
    """
    template = Catalog(project="chat", domain=DOMAIN)
    found = extract_from_dir(
        SOURCE_DIR,
        method_map=[("**/migrations/**", "ignore"), ("**.py", "python")],
        keywords=KEYWORDS,
    )
    for filename, lineno, message, comments, context in found:
        template.add(
            message,
            locations=[(f"chat_app/{filename}", lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def read(language: str) -> Catalog:
    """A language's catalog as it is on disk.

    Args:
        language: One of ``i18n.LANGUAGES``.

    Returns:
        The catalog (empty if there is no file yet).
    """
    path = catalog_path(language)
    if not path.exists():
        return Catalog(locale=LOCALE_NAMES[language], domain=DOMAIN)
    with path.open("rb") as file:
        return read_po(file, locale=LOCALE_NAMES[language], domain=DOMAIN)


def update() -> None:
    """Add the code's new strings to every catalog; mark vanished ones obsolete."""
    template = extract()
    for language in LANGUAGES:
        catalog = read(language)
        catalog.update(template, no_fuzzy_matching=True)
        path = catalog_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as file:
            write_po(file, catalog, width=88, omit_header=False, ignore_obsolete=True)


def compile_all() -> None:
    """Write every catalog's ``.mo`` next to its ``.po``."""
    for language in LANGUAGES:
        with catalog_path(language, ".mo").open("wb") as file:
            write_mo(file, read(language))


def main(argv: list[str]) -> int:
    """Run ``update`` or ``compile``.

    Args:
        argv: The command line's arguments.

    Returns:
        The exit status.
    """
    commands = {"update": update, "compile": compile_all}
    if len(argv) != 1 or argv[0] not in commands:
        print("usage: python -m chat_app.locales.catalogs update|compile")
        return 2
    commands[argv[0]]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
