"""Search over a real database, SQLite's FTS5 and PostgreSQL's GIN index alike.

Every test runs on both databases with the same expectations: the same search
finds the same messages on either.
"""

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, text
from sqlmodel import select

from chat_app.domain.errors import ChatError
from chat_app.domain.search import parse
from chat_app.models import Message, User
from chat_app.rooms import actions, managing, search, search_index
from tests.support.search_syntax import SEARCH_SYNTAX
from tests.unit.rooms.steps import NOW, enter, post, unlimited
from tests.unit.rooms.test_conversations import CONFIGURED, NOW_MS, create
from tests.unit.rooms.test_people import register

DAY_MS = 86_400_000


def result(session, typed, username="ana", typing=False, **options):
    """What a search finds for someone (Ana unless told), a page of it."""
    return search.search(
        session,
        query=parse(typed, typing=typing),
        username=username,
        user_id=options.pop("user_id", 1),
        zone=options.pop("zone", UTC),
        configured=CONFIGURED,
        **options,
    )


def found(session, typed, username="ana", typing=False, **options):
    """The texts a search finds for someone, newest first."""
    page = result(session, typed, username, typing, **options)
    return [hit_text(hit) for hit in page.hits]


def hit_text(hit):
    return "".join(piece.text for piece in hit.pieces)


@pytest.fixture
def said(session, settings):
    """Ana, Bia and Caio, and what was said in Sala 1."""
    for name in ("ana", "bia", "caio"):
        register(session, name)
    settings = unlimited(settings)

    def say(text, author="ana", room="sala-1", at=NOW_MS):
        post(session, settings, author, room=room, at=at, text=text)
        session.commit()

    return say


def test_words_are_found_without_case_or_accents_and_as_beginnings(session, said):
    said("O Relatório final está pronto")
    said("reuniao amanha cedo")
    said("AÇÃO coordenada", author="bia")
    assert found(session, "relatorio") == ["O Relatório final está pronto"]
    assert found(session, "RELATÓRIO FINAL") == ["O Relatório final está pronto"]
    assert found(session, "reunião amanhã") == ["reuniao amanha cedo"]
    assert found(session, "acao") == ["AÇÃO coordenada"]
    # The word being typed matches the words it begins; a finished one does not.
    assert found(session, "relat", typing=True) == ["O Relatório final está pronto"]
    assert found(session, "relat") == []
    assert found(session, "nada disso") == []


def test_phrases_exclusions_and_newest_first(session, said):
    said("bom dia equipe", at=NOW_MS)
    said("dia bom para a equipe", at=NOW_MS + 1)
    said("bom dia a todos, spam", at=NOW_MS + 2)
    assert found(session, "bom dia") == [
        "bom dia a todos, spam",
        "dia bom para a equipe",
        "bom dia equipe",
    ]
    assert found(session, '"bom dia"') == ["bom dia a todos, spam", "bom dia equipe"]
    assert found(session, '"bom dia" -spam') == ["bom dia equipe"]
    assert found(session, '-"bom dia" equipe') == ["dia bom para a equipe"]
    # Excluded words with a filter only: everything else that filter finds.
    assert found(session, "from:@ana -spam -equipe") == []
    assert found(session, "in:#sala-1 -spam") == [
        "dia bom para a equipe",
        "bom dia equipe",
    ]


def test_filters_by_author_conversation_and_day(session, said):
    zone = ZoneInfo("America/Sao_Paulo")
    # 2027-01-15 at 01:30 UTC is still the 14th in São Paulo.
    late = 1_799_976_600_000
    said("planilha de janeiro", author="bia", at=late)
    said("planilha de fevereiro", author="caio", room="sala-1", at=late + 40 * DAY_MS)
    assert found(session, "planilha from:@bia") == ["planilha de janeiro"]
    assert found(session, "from:@BIA") == ["planilha de janeiro"]
    assert found(session, "from:caio from:bia planilha") == [
        "planilha de fevereiro",
        "planilha de janeiro",
    ]
    assert found(session, "planilha on:2027-01-14", zone=zone) == [
        "planilha de janeiro"
    ]
    assert found(session, "planilha on:2027-01-15", zone=UTC) == ["planilha de janeiro"]
    assert found(session, "planilha after:2027-01-14", zone=zone) == [
        "planilha de fevereiro"
    ]
    assert found(session, "planilha before:2027-01-15", zone=zone) == [
        "planilha de janeiro"
    ]
    assert found(session, "planilha in:#sala-1 after:2027-02-01") == [
        "planilha de fevereiro"
    ]


def test_files_are_found_by_name_and_by_kind(session, said):
    def attach(text, *files):
        session.add(
            Message(
                room="sala-1",
                seq=100 + len(session.exec(select(Message)).all()),
                author="ana",
                text=text,
                sent_at_ms=NOW_MS,
                attachments=[
                    {"url": f"/static/{name}", "name": name, "size": 1, "kind": kind}
                    for name, kind in files
                ],
            )
        )
        session.commit()

    attach("segue", ("Orçamento 2027.xlsx", "file"))
    attach("foto", ("praia.png", "image"), ("notas.txt", "file"))
    said("sem anexo")
    assert found(session, "orcamento") == ["segue"]
    assert found(session, "has:file") == ["foto", "segue"]
    assert found(session, "has:image") == ["foto"]
    assert found(session, "has:image notas") == ["foto"]
    hit = result(session, "praia").hits[0]
    assert [(p.text, p.found) for p in hit.files] == [
        ("praia", True),
        (".png", False),
        (" · ", False),
        ("notas.txt", False),
    ]


def test_deleted_messages_are_never_found_and_edited_ones_by_their_new_text(
    session, settings, said
):
    enter(session, "t1", "ana")
    said("texto antigo")
    said("vai sumir")
    number = {m.text: m.seq for m in session.exec(select(Message)).all()}
    clock = lambda: NOW  # noqa: E731
    actions.edit(
        session,
        tab="t1",
        username="ana",
        number=number["texto antigo"],
        text="texto novo",
        clock=clock,
        settings=settings,
    )
    actions.remove(
        session,
        tab="t1",
        username="ana",
        number=number["vai sumir"],
        clock=clock,
        settings=settings,
    )
    session.commit()
    assert found(session, "antigo") == []
    assert found(session, "novo") == ["texto novo"]
    assert found(session, "sumir") == []
    assert found(session, "texto") == ["texto novo"]


def test_only_what_the_person_may_read_is_searched(session, settings, said):
    create(session, settings, owner="ana", name="Segredos", private=True)
    create(session, settings, owner="bia", name="Aberta", private=False)
    direct, _ = managing.open_direct(
        session,
        user_id=1,
        username="ana",
        other="bia",
        now_ms=NOW_MS,
        settings=unlimited(settings),
    )
    session.commit()
    said("abacaxi privado", room="segredos")
    said("abacaxi direto", room=direct.slug)
    said("abacaxi aberto", author="bia", room="aberta")
    said("abacaxi geral")
    everything = [
        "abacaxi geral",
        "abacaxi aberto",
        "abacaxi direto",
        "abacaxi privado",
    ]
    assert found(session, "abacaxi", username="ana") == everything
    assert found(session, "abacaxi", username="bia", user_id=2) == everything[:3]
    assert found(session, "abacaxi", username="caio", user_id=3) == everything[:2]
    assert found(session, "abacaxi in:@bia", username="ana") == ["abacaxi direto"]
    # A conversation one may not read is refused as one that does not exist.
    for place in ("#segredos", "#nao-existe", "@ana"):
        with pytest.raises(ChatError) as refused:
            found(session, f"abacaxi in:{place}", username="caio", user_id=3)
        assert str(refused.value) == f"You can read no conversation called {place}."
    # An archived room stays its members' to search, nobody else's.
    managing.archive(
        session, slug="aberta", owner="bia", configured=CONFIGURED, now_ms=NOW_MS
    )
    session.commit()
    assert "abacaxi aberto" in found(session, "abacaxi", username="bia", user_id=2)
    assert "abacaxi aberto" not in found(session, "abacaxi", username="caio", user_id=3)


def test_results_come_a_page_at_a_time(session, said):
    for number in range(25):
        said(f"item {number:02d}", at=NOW_MS + number)
    first = result(session, "item")
    assert [hit_text(hit) for hit in first.hits] == [
        f"item {n:02d}" for n in range(24, 4, -1)
    ]
    assert first.hits[0].key == "sala-1:25"
    assert first.hits[0].address == "/rooms/sala-1/25"
    assert found(session, "item", after=first.after) == [
        f"item {n:02d}" for n in range(4, -1, -1)
    ]
    rest = result(session, "item", after=first.after)
    assert rest.after is None


def test_the_rebuild_indexes_what_came_without_search_text(session, said):
    said("mensagem restaurada")
    session.execute(text("UPDATE messages SET search_text = ''"))
    session.commit()
    assert found(session, "restaurada") == []
    assert search_index.rebuild(session) == 1
    session.commit()
    assert found(session, "restaurada") == ["mensagem restaurada"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("bem-vindo", ["Bem-vindo à equipe!"]),
        ("vindo", ["Bem-vindo à equipe!"]),
        (
            "exemplo",
            ["escreva para ana@exemplo.com.br ou veja https://exemplo.com/docs"],
        ),
        ("docs", ["escreva para ana@exemplo.com.br ou veja https://exemplo.com/docs"]),
        ("2027", ["orçamento_2027 v2.5 (R$ 1.200,00)"]),
        ("orcamento", ["orçamento_2027 v2.5 (R$ 1.200,00)"]),
        ("v2", ["orçamento_2027 v2.5 (R$ 1.200,00)"]),
        ("d'água", ["caixa d'água 🚰 çà"]),
        ("agua", ["caixa d'água 🚰 çà"]),
        ("ca", ["caixa d'água 🚰 çà"]),
        ('"caixa d"', ["caixa d'água 🚰 çà"]),
    ],
)
def test_punctuation_numbers_and_addresses_split_the_same_on_both(
    session, said, typed, expected
):
    said("Bem-vindo à equipe!")
    said("escreva para ana@exemplo.com.br ou veja https://exemplo.com/docs")
    said("orçamento_2027 v2.5 (R$ 1.200,00)")
    said("caixa d'água 🚰 çà")
    assert found(session, typed) == expected


def test_search_syntax_in_the_box_is_only_words_on_both(session, said):
    said("near a b or not col word x message search ß")
    for typed in SEARCH_SYNTAX:
        for box in (
            typed,
            f"{typed} ",
            f"near {typed}",
            f"-{typed} near",
            f'"{typed}"',
        ):
            for typing in (True, False):
                assert found(session, box, typing=typing) in (
                    [],
                    ["near a b or not col word x message search ß"],
                ), box


def test_people_are_named_in_filters_whatever_the_case(session, settings, said):
    register(session, "Dora")
    post(session, unlimited(settings), "Dora", text="planilha nova", at=NOW_MS)
    session.commit()
    assert found(session, "from:@dora") == ["planilha nova"]
    assert found(session, "from:@DORA planilha") == ["planilha nova"]
    dora = session.exec(select(User.id).where(User.username == "Dora")).one()
    managing.open_direct(
        session,
        user_id=1,
        username="ana",
        other="Dora",
        now_ms=NOW_MS,
        settings=unlimited(settings),
    )
    session.commit()
    assert dora is not None
    assert found(session, "in:@dora planilha") == []  # nothing said there yet


def test_letters_of_other_languages_fold_the_same_on_both(session, said):
    said("Straße Øresund Łódź Æble ﬁm")
    for typed in ("strasse", "STRASSE", "øresund", "oresund", "lodz", "aeble", "fim"):
        assert found(session, typed) == ["Straße Øresund Łódź Æble ﬁm"], typed
    hit = result(session, "strasse lodz").hits[0]
    assert [p.text for p in hit.pieces if p.found] == ["Straße", "Łódź"]


def test_a_search_without_words_reads_the_newest_messages_first_on_sqlite(
    session, said
):
    """No sort of every readable message: a page is read, newest first, and ends.

    Over a million messages the room index and a sort took 5.5 s for ``has:file``.
    """
    engine = session.get_bind()
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan")
    said("hello")
    statements = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        if "FROM messages" in statement and "LIMIT" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        found(session, "has:file")
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    [(statement, parameters)] = statements
    plan = session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + statement, parameters
    )
    details = " ".join(row[-1] for row in plan)
    assert "TEMP B-TREE" not in details
    assert "SCAN messages" in details
