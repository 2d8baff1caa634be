"""The catalogs are complete, and languages are chosen and applied as promised."""

import ast
import string
import warnings
from pathlib import Path

import pytest
import reflex as rx

from chat_app import i18n
from chat_app.components.words import t, tn
from chat_app.domain.errors import ChatError
from chat_app.domain.text import Text
from chat_app.locales import catalogs

ROOT = Path(__file__).resolve().parents[2]
# Calls whose string arguments are not text: icons, colours, scripts.
NOT_TEXT = {"icon", "color", "script", "call_script", "create", "option"}
# Keyword arguments people read (or hear) on the page.
READ_KEYWORDS = {"aria_label", "placeholder", "title", "alt", "label"}


def names(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_string_of_the_code_has_a_translation_in_every_catalog():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        template = catalogs.extract()
    assert len(template) > 100
    for language in i18n.LANGUAGES:
        catalog = catalogs.read(language)
        missing, broken = [], []
        for message in template:
            if not message.id:
                continue
            found = catalog.get(message.id)
            texts = found.string if found else None
            texts = list(texts) if isinstance(texts, tuple) else [texts]
            if found is None or not all(texts) or found.fuzzy:
                missing.append(message.id)
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            # A translation names the same values as the English (plurals: count).
            if any(names(str(text)) - names(str(ids[-1])) for text in texts):
                broken.append(message.id)
        assert missing == [], f"untranslated in {language}"
        assert broken == [], f"translations naming unknown values in {language}"
    # Babel skips f-strings it cannot extract, with a warning: none may be left.
    assert [str(w.message) for w in caught if "f-string" in str(w.message)] == []


def test_every_catalog_entry_is_still_used_by_the_code():
    used = {str(message.id) for message in catalogs.extract() if message.id}
    for language in i18n.LANGUAGES:
        stale = {
            str(m.id) for m in catalogs.read(language) if m.id and str(m.id) not in used
        }
        assert stale == set(), f"entries the code no longer has in {language}"


def test_no_component_shows_a_string_outside_the_catalogs():
    """Text put straight into a component would not be translated: use ``t()``."""
    found = []
    for path in [
        *ROOT.glob("chat_app/components/*.py"),
        *ROOT.glob("chat_app/pages/*.py"),
    ]:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or not isinstance(
                node.func, ast.Attribute
            ):
                continue
            if node.func.attr in NOT_TEXT or not ast.unparse(node.func).startswith(
                "rx."
            ):
                continue
            texts = [arg for arg in node.args if isinstance(arg, ast.Constant)]
            texts += [
                kw.value
                for kw in node.keywords
                if kw.arg in READ_KEYWORDS and isinstance(kw.value, ast.Constant)
            ]
            for text in texts:
                # Words people read (tokens such as "flex-end" or "red" are not).
                if isinstance(text.value, str) and (
                    " " in text.value.strip() or text.value[:1].isupper()
                ):
                    found.append(f"{path.name}:{text.lineno} {text.value!r}")
    assert found == []


def test_the_check_above_would_see_a_bare_string(tmp_path):
    tree = ast.parse('rx.button("Send", aria_label="Send it")')
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert isinstance(calls[0].args[0], ast.Constant)
    assert calls[0].keywords[0].arg in READ_KEYWORDS


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("pt-BR,pt;q=0.9,en;q=0.8", "pt-BR"),
        ("en-GB", "en"),
        ("EN", "en"),
        ("pt", "pt-BR"),
        ("pt-PT", "pt-BR"),
        ("es-AR, en;q=0.2", "en"),
        ("ja", "pt-BR"),
        ("", "pt-BR"),
        (None, "pt-BR"),
        ("en;q=0", "pt-BR"),
        ("en;q=0.1, pt;q=0.9", "pt-BR"),
        ("x" * 5000, "pt-BR"),
        ("en;q=abc, pt", "pt-BR"),
    ],
)
def test_the_browser_s_language_is_negotiated(header, language):
    assert i18n.negotiate(header) == language


def test_a_client_s_language_value_is_one_we_have_or_the_default():
    assert i18n.supported("EN") == "en"
    assert i18n.supported("pt-br") == "pt-BR"
    for other in ("fr", "", None, 3, ["en"]):
        assert i18n.supported(other) == "pt-BR"


def test_errors_are_english_in_logs_and_translated_for_people():
    error = ChatError("A message has at most {limit} characters.", limit=10)
    assert str(error) == "A message has at most 10 characters."
    assert i18n.translate(error.text, "pt-BR") == (
        "Uma mensagem tem no máximo 10 caracteres."
    )
    nested = Text(
        "This upload is over your quota. {reason}", {"reason": Text("No such file.")}
    )
    assert i18n.translate(nested, "pt-BR") == (
        "Este envio passa da sua cota. Arquivo não encontrado."
    )
    assert str(nested) == "This upload is over your quota. No such file."


def test_plurals_follow_each_catalog_s_rule():
    one, many = "{count} unread message", "{count} unread messages"
    assert i18n.ngettext("pt-BR", one, many, 1) == "1 mensagem não lida"
    assert i18n.ngettext("pt-BR", one, many, 0) == "0 mensagem não lida"
    assert i18n.ngettext("pt-BR", one, many, 3) == "3 mensagens não lidas"
    assert i18n.ngettext("en", one, many, 0) == "0 unread messages"
    assert i18n.plural_templates("en", one, many) == [one, many]


def test_page_strings_carry_both_languages_and_choose_by_the_tab_s():
    send = str(t("Send"))
    assert "Enviar" in send and "Send" in send and "lang" in send
    typing = str(t("{name} is typing…", name="ana"))
    assert "digitando" in typing and "is typing" in typing and '"ana"' in typing
    unread = str(
        tn("{count} unread message", "{count} unread messages", rx.Var.create(3))
    )
    assert "mensagens n" in unread and "(n > 1)" in unread and "(n != 1)" in unread
