"""The language menu: Português or English, each named in its own language."""

import reflex as rx

from chat_app import i18n
from chat_app.components.words import t
from chat_app.states.locale import LocaleState

# Each language is named as its speakers name it, whatever the page's language.
NAMES = {"pt-BR": "Português", "en": "English"}


def language_switch() -> rx.Component:
    """A native select (which keyboards and screen readers know): ``#language-switch``.

    Returns:
        The select; choosing saves the language on the account, if signed in.
    """
    return rx.el.select(
        *[
            rx.el.option(NAMES[language], value=language, lang=language)
            for language in i18n.LANGUAGES
        ],
        id="language-switch",
        value=LocaleState.lang,
        on_change=LocaleState.switch,
        aria_label=t("Language"),
        title=t("Language"),
        class_name="language-switch",
    )
