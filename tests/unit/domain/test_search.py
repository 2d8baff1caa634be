import unicodedata
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from chat_app.domain.errors import ChatError
from chat_app.domain.search import (
    MAX_QUERY_CHARACTERS,
    Query,
    Term,
    document,
    fold,
    marks,
    parse,
)


def test_a_message_is_found_by_its_words_and_its_files_names():
    assert document(
        "Olá, **time**: o relatório_final.pdf!", ["Orçamento 2027.xlsx"]
    ) == ("ola time o relatorio final pdf orcamento 2027 xlsx")
    assert document("") == ""
    # What readers see: a link's words, not its address.
    assert document("[o site](https://exemplo.com/x)") == "o site"
    # Accents typed apart from their letters (macOS file names) fold the same.
    decomposed = unicodedata.normalize("NFD", "Relatório")
    assert document("", [decomposed + ".pdf"]) == "relatorio pdf"


def test_folding_drops_case_and_accents():
    assert fold("Relatório") == "relatorio"
    assert fold("AÇÃO") == "acao"
    assert [fold(w) for w in ("Straße", "Øre", "Łódź", "Æble", "ﬁm")] == [
        "strasse",
        "ore",
        "lodz",
        "aeble",
        "fim",
    ]


def test_words_must_all_be_found_and_the_last_one_is_being_typed():
    query = parse("reunião proj")
    assert query.terms == (Term(("reuniao",)), Term(("proj",), prefix=True))
    assert parse("reunião proj ").terms[-1] == Term(("proj",))
    assert parse("reunião proj", typing=False).terms[-1] == Term(("proj",))
    # One letter is too short a beginning: it matches as a whole word.
    assert parse("a").terms == (Term(("a",)),)


def test_phrases_exclusions_and_joined_words():
    query = parse('"bom dia" -spam -"fim de semana" bem-vindo')
    assert query.terms == (Term(("bom", "dia")), Term(("bem", "vindo"), prefix=True))
    assert query.excluded == (Term(("spam",)), Term(("fim", "de", "semana")))
    # An unclosed phrase is still being typed.
    assert parse('"bom di').terms == (Term(("bom", "di"), prefix=True),)


def test_filters_as_slack_users_type_them():
    query = parse("from:@Ana in:#Sala-2 in:@bia has:file has:IMAGE relatório")
    assert query.authors == ("ana",)  # usernames compared without case
    assert query.places == ("#sala-2", "@bia")
    assert query.has_file and query.has_image
    assert query.terms == (Term(("relatorio",), prefix=True),)
    # A filter still being typed asks for nothing yet; an unknown one is words.
    assert parse("from:").empty
    assert parse("http://exemplo.com").terms == (
        Term(("http", "exemplo", "com"), prefix=True),
    )


def test_days_narrow_to_what_every_day_filter_allows():
    query = parse("after:2026-11-01 before:2026-11-10 on:2026-11-05")
    assert (query.first_day, query.last_day) == (date(2026, 11, 5), date(2026, 11, 5))
    query = parse("after:2026-11-01 before:2026-11-10")
    assert (query.first_day, query.last_day) == (date(2026, 11, 2), date(2026, 11, 9))
    since, until = parse("on:2026-11-30").sent_between(ZoneInfo("America/Sao_Paulo"))
    # 2026-11-30 00:00 in São Paulo is 03:00 UTC.
    assert since == datetime(2026, 11, 30, 3, tzinfo=UTC).timestamp() * 1000
    assert until is not None and since is not None
    assert until == since + 86_400_000
    assert Query().sent_between(UTC) == (None, None)


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("before:ontem", "Write the day of before: as 2026-11-30."),
        ("on:2026-13-01", "Write the day of on: as 2026-11-30."),
        ("has:video", "has: takes file or image."),
        ("before:0001-01-01", "Write the day of before: as 2026-11-30."),
        ("after:9999-12-31", "Write the day of after: as 2026-11-30."),
        ("x" * (MAX_QUERY_CHARACTERS + 1), "A search is at most 200 characters."),
        (" ".join(f"w{n}" for n in range(13)), "A search takes at most 12 words."),
        (["a list"], "That request was not understood."),
    ],
)
def test_what_is_not_a_search_is_refused_saying_why(text, refusal):
    with pytest.raises(ChatError) as refused:
        parse(text)
    assert str(refused.value) == refusal


def test_empty_means_nothing_asked():
    assert parse("").empty
    assert parse("   ").empty
    assert parse("-spam").empty
    assert not parse("has:file").empty


def test_the_words_found_are_marked_however_they_were_typed():
    query = parse("relatorio acao")
    assert marks("O Relatório da AÇÃO, e a ação.", query) == [
        ("O ", False),
        ("Relatório", True),
        (" da ", False),
        ("AÇÃO", True),
        (", e a ", False),
        ("ação", True),
        (".", False),
    ]
    # The word being typed marks every word it begins.
    assert ("relatórios", True) in marks("dois relatórios", parse("relat"))
    assert marks("nada aqui", query) == [("nada aqui", False)]


def test_a_long_text_shows_the_part_around_its_first_match():
    text = "palavra " * 60 + "Relatório final " + "depois " * 60
    pieces = marks(text, parse("relatorio", typing=False))
    shown = "".join(piece for piece, _ in pieces)
    assert shown.startswith("…palavra") and shown.endswith("…")
    assert ("Relatório", True) in pieces
    assert len(shown) <= 242
    assert "".join(p for p, _ in marks(text, parse("x"), cut=False)) == text
