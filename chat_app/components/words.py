"""Text on the page in the tab's language: ``t("Send")``, ``tn(...)`` for counts.

Both catalogs are read when the page is compiled; each string becomes a small
expression choosing the tab's language (``LocaleState.lang``), so switching
language redraws the page at once, with no round trip per string.
"""

import string
from typing import cast

import reflex as rx

from chat_app import i18n
from chat_app.states.locale import LocaleState

Value = rx.Var | str | int


def _filled(template: str, values: dict[str, Value]) -> rx.Var[str]:
    """A template with its ``{named}`` values put in (values may be state vars)."""
    pieces: list[str | rx.Var] = []
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            pieces.append(literal)
        if name is not None:
            pieces.append(rx.Var.create(values[name]).to(str))
    if all(isinstance(piece, str) for piece in pieces):
        return rx.Var.create("".join(map(str, pieces))).to(str)
    text = rx.Var.create(pieces[0]).to(str)
    for piece in pieces[1:]:
        text = text + rx.Var.create(piece).to(str)
    return text


def _in_language(choices: dict[str, rx.Var[str]]) -> rx.Var[str]:
    """The text of the tab's language: ``lang === "en" ? ... : <default>``."""
    text = choices.pop(i18n.DEFAULT_LANGUAGE)
    for language, other in choices.items():
        text = cast(rx.Var, rx.cond(LocaleState.lang == language, other, text))
    return text.to(str)


def t(msgid: str, **values: Value) -> rx.Var[str]:
    """A string in the tab's language.

    Args:
        msgid: The English text as in the catalogs (``{named}`` values).
        **values: The values it names (plain or state vars).

    Returns:
        The text.
    """
    return _in_language(
        {
            language: _filled(i18n.translations(language).gettext(msgid), values)
            for language in i18n.LANGUAGES
        }
    )


def t_raw(msgid: str) -> rx.Var[str]:
    """A template in the tab's language, its ``{named}`` values left for the browser.

    For ``assets/chat.js``, which fills them in.

    Args:
        msgid: The English template as in the catalogs.

    Returns:
        The template.
    """
    return _in_language(
        {
            language: rx.Var.create(i18n.translations(language).gettext(msgid))
            for language in i18n.LANGUAGES
        }
    )


def tn(singular: str, plural: str, count: rx.Var, **values: Value) -> rx.Var[str]:
    """A string whose form follows a number (``{count}`` in it), in the tab's language.

    Each catalog's own plural rule picks the form, in the browser.

    Args:
        singular: The English singular.
        plural: The English plural.
        count: The number.
        **values: Other values the strings name.

    Returns:
        The text.
    """
    choices = {}
    for language in i18n.LANGUAGES:
        forms = [
            _filled(template, {**values, "count": count})
            for template in i18n.plural_templates(language, singular, plural)
        ]
        rule = rx.vars.FunctionStringVar.create(
            f"((n) => Number({i18n.plural_rule(language)}))"
        )
        choices[language] = rx.Var.create(forms).to(list)[rule.call(count).to(int)]
    return _in_language({k: v.to(str) for k, v in choices.items()})
