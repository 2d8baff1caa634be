"""The search scenario: 1,000,000 messages over 100 conversations, searched.

The history is generated once (a fixed seed, so every run searches the same
words) straight into a migrated SQLite database, with the FTS5 triggers of
migration 0016 indexing it as it is written, and cached under
``test-artifacts/`` by :data:`VERSION`; PostgreSQL is loaded from that file.
Measured: a fixed mix of searches through a running chat (a searcher's tab,
until its results arrive), the same mix through ``rooms.search.search`` in this
process on both databases (the database's time alone), and a room's fan-out
while searchers search without pause, against the raw socket.io server.
"""

import asyncio
import json
import shutil
import sqlite3
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path
from random import Random
from types import ModuleType
from typing import Any

from sqlmodel import SQLModel

import chat_app.models  # noqa: F401  (its tables, in SQLModel.metadata)
from bench.targets import SEARCH_P95_MS, fanout_pass, p99_ratio, percentile, verdict
from chat_app.settings import Settings
from harness.protocol import SEARCH, ChatClient
from harness.servers import (
    ARTIFACTS,
    ChatServer,
    chat_environment,
    migrate,
    start_chat,
)

TABLES = SQLModel.metadata.tables
# Bump when the generated history changes: the cached file is named by it.
VERSION = "search-v3"
MESSAGES = 1_000_000
BATCH = 25_000
AUTHORS = 200
STORED_ROOMS = 97
CONFIGURED = ("sala-1", "sala-2", "sala-3")
# The history ends at a fixed moment and spans two years.
END_MS = int(datetime(2026, 11, 30, tzinfo=UTC).timestamp() * 1000)
SPAN_MS = 2 * 365 * 24 * 3600 * 1000
FILE_SHARE = 0.03
PHRASE_SHARE = 0.06
# Messages naming a ticket, an order or a pull request by number: the long tail
# of words found in one message or none (90,000 numbers, 40,000 mentions).
NUMBER_SHARE = 0.04
NUMBERED = ("ticket #{}", "PR {}", "pedido {}", "NF {}")
SEARCHERS_DURING_FANOUT = 5
# Paced searchers: each as fast as a tab may (the default limit), and a search a
# second each, as people typing in the box.
_LIMITS = Settings()
PACES = {
    "continuous": 0.0,
    "at the tab limit": _LIMITS.search_rate_window_seconds / _LIMITS.search_rate_limit,
    "paced": 1.0,
}
# Who searches in this process: a member of the private rooms searchers join.
READER = "leitor"
RESULT_TIMEOUT = 30.0

PORTUGUESE = """
de a o que e do da em um para é com não uma os no se na por mais as dos como mas
foi ao ele das tem à seu sua ou ser quando muito há nos já está eu também só pelo
pela até isso ela entre era depois sem mesmo aos ter seus quem nas me esse eles
estão você tinha foram essa num nem suas meu às minha têm numa pelos elas havia
seja qual será nós tenho lhe deles essas esses pelas este fosse dele tu te vocês
vos lhes meus minhas teu tua teus tuas nosso nossa nossos nossas dela delas esta
estes estas aquele aquela aqueles aquelas isto aquilo estou estamos estava hoje
amanhã ontem agora depois antes sempre nunca talvez claro obrigado obrigada valeu
bom boa dia tarde noite semana mês ano reunião projeto equipe cliente prazo entrega
relatório documento planilha apresentação proposta contrato orçamento pagamento
nota fiscal pedido produto serviço sistema servidor banco dados erro problema
solução teste versão atualização lançamento configuração acesso senha usuário conta
email mensagem chamada ligação vídeo áudio arquivo pasta imagem foto tela página
site aplicativo celular computador rede internet conexão lento rápido pronto feito
pendente urgente importante revisão aprovação decisão ideia sugestão pergunta
resposta dúvida ajuda suporte chamado ticket tarefa sprint código função módulo
biblioteca pacote dependência migração backup restauração log métrica painel
gráfico resultado meta objetivo estratégia plano cronograma etapa fase início fim
começo final próximo anterior último primeiro segundo terceiro grande pequeno novo
velho melhor pior certo errado fácil difícil possível necessário rápida lenta
almoço café janta férias feriado folga viagem voo hotel carro ônibus metrô trânsito
chuva sol frio calor casa escritório sala mesa cadeira janela porta prédio cidade
são paulo rio janeiro lisboa porto brasil portugal fazer falar ver dar ir vir saber
poder querer achar pensar precisar conseguir tentar começar terminar enviar mandar
receber abrir fechar ligar desligar subir descer corrigir resolver revisar aprovar
testar publicar conferir verificar avisar lembrar esquecer combinar marcar remarcar
cancelar confirmar chegar sair voltar ficar esperar acompanhar atualizar instalar
pessoal gente galera time chefe gerente diretor analista desenvolvedor designer
financeiro jurídico comercial marketing vendas compras estoque logística qualidade
atendimento operação produção infraestrutura segurança privacidade auditoria
"""
ENGLISH = """
the of and to in is it you that for on with this be are have not we at as was
but they can do will from or just so if all what about there get my your one out
up like when would time has more by an how now our them some no which make our
please thanks thank yes ok okay sure sounds good great cool nice done ready issue
bug fix fixed merge branch commit push pull request review deploy release build
pipeline test tests failing passing green red staging production server database
query index cache latency memory cpu disk network service api endpoint client
user users customer meeting call sync standup demo doc docs spec design draft
update status today tomorrow yesterday morning afternoon week month quarter plan
roadmap deadline priority blocker ticket task sprint backlog estimate scope team
lead manager engineer support sales report budget invoice contract launch feature
flag rollout rollback incident alert outage monitor dashboard metrics logs trace
check let know think need want see look try still already also maybe really
"""
PHRASES = (
    "bom dia",
    "boa tarde",
    "pull request",
    "deploy em produção",
    "reunião de amanhã",
    "nota fiscal",
    "let me know",
    "sounds good",
    "code review",
    "vou verificar",
    "tudo certo",
    "happy path",
)
SYLLABLES = (
    "ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga go gu la le li lo "
    "lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su "
    "ta te ti to tu va ve vi vo za ze zo lha lhe nha nho cha che chi que qui gua "
    "tra tre pra pre bra cla fla gra ção são ã é ó í ú â ê ô"
)
FILES = (
    ("relatório-2026.pdf", "file", "application/pdf"),
    ("orçamento-q3.xlsx", "file", "application/vnd.ms-excel"),
    ("contrato assinado.pdf", "file", "application/pdf"),
    ("notas da reunião.docx", "file", "application/msword"),
    ("apresentação final.pptx", "file", "application/vnd.ms-powerpoint"),
    ("backup-banco.sql", "file", "text/plain"),
    ("foto-da-equipe.jpg", "image", "image/jpeg"),
    ("screenshot 2026-03-14.png", "image", "image/png"),
    ("diagrama arquitetura.png", "image", "image/png"),
    ("logo novo.svg", "image", "image/svg+xml"),
)


def vocabulary() -> list[str]:
    """The generator's words, most common first (Zipf ranks).

    Real Portuguese and English words head the list, interleaved as a bilingual
    team writes; a tail of made-up words of Portuguese syllables (some accented)
    stands for the rare words every history has: names, jargon, typos.

    Returns:
        About 3,600 distinct words.
    """
    real: list[str] = []
    portuguese, english = PORTUGUESE.split(), ENGLISH.split()
    for index in range(max(len(portuguese), len(english))):
        for source in (portuguese, portuguese, english):
            word = source[index] if index < len(source) else ""
            if word and word not in real:
                real.append(word)
                break
        if index < len(english) and english[index] not in real:
            real.append(english[index])
    rng = Random(17)
    syllables = SYLLABLES.split()
    made: list[str] = []
    seen = set(real)
    while len(made) < 3000:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word[0] not in "ãéóíúâêô" and word not in seen:
            seen.add(word)
            made.append(word)
    return real + made


def stored_rooms() -> list[dict[str, Any]]:
    """The 97 stored conversations: rooms, every third one private.

    Returns:
        Their rows (``Conversation``).
    """
    return [
        {
            "slug": f"proj-{index:02d}",
            "name": f"Projeto {index:02d}",
            "topic": "",
            "kind": "room",
            "private": index % 3 == 0,
            "owner": author_name(index),
            "created_at_ms": END_MS - SPAN_MS,
        }
        for index in range(STORED_ROOMS)
    ]


def author_name(index: int) -> str:
    """The username of generated author ``index``."""
    return f"autor-{index % AUTHORS:03d}"


def joined_private(rooms: Sequence[dict[str, Any]]) -> list[str]:
    """The private rooms every searcher belongs to (half of them)."""
    private = [room["slug"] for room in rooms if room["private"]]
    return private[::2]


def messages(words: Sequence[str]) -> Iterator[list[dict[str, Any]]]:
    """The generated history, in batches of rows for ``messages``, oldest first.

    Args:
        words: :func:`vocabulary`.

    Yields:
        Rows, ids ascending with time, ``seq`` 1, 2, 3... within each room.
    """
    from chat_app.domain.search import document

    rng = Random(2026)
    weights = list(accumulate(1 / rank for rank in range(1, len(words) + 1)))
    slugs = [*CONFIGURED, *(room["slug"] for room in stored_rooms())]
    room_weights = list(accumulate(1 / (rank**0.8) for rank in range(1, 101)))
    seqs = dict.fromkeys(slugs, 0)
    start = END_MS - SPAN_MS
    rows: list[dict[str, Any]] = []
    for number in range(MESSAGES):
        room = rng.choices(slugs, cum_weights=room_weights)[0]
        seqs[room] += 1
        said = rng.choices(words, cum_weights=weights, k=rng.randint(3, 22))
        if rng.random() < PHRASE_SHARE:
            said.insert(rng.randrange(len(said) + 1), rng.choice(PHRASES))
        if rng.random() < NUMBER_SHARE:
            said.append(rng.choice(NUMBERED).format(rng.randrange(10_000, 100_000)))
        text = " ".join(said)
        text = text[0].upper() + text[1:] + rng.choice((".", "", "", "!", "?"))
        files = []
        if rng.random() < FILE_SHARE:
            name, kind, content_type = rng.choice(FILES)
            files.append(
                {
                    "url": f"/static/x{number}",
                    "name": name,
                    "size": 1,
                    "kind": kind,
                    "content_type": content_type,
                }
            )
        rows.append(
            {
                "id": number + 1,
                "room": room,
                "seq": seqs[room],
                "author": author_name(rng.randrange(AUTHORS)),
                "text": text,
                "sent_at_ms": start + number * SPAN_MS // MESSAGES,
                "attachments": files,
                "search_text": document(text, [f["name"] for f in files]),
            }
        )
        if len(rows) == BATCH:
            yield rows
            rows = []
    if rows:
        yield rows


def _people_and_rooms(connection: Any) -> None:
    """Write the authors, the stored rooms and their members."""
    from sqlalchemy import insert

    created = datetime.fromtimestamp((END_MS - SPAN_MS) / 1000, UTC)
    connection.execute(
        insert(TABLES["users"]),
        [
            {
                "name": f"Autor {index}",
                "name_key": f"autor {index}",
                "username": author_name(index),
                "username_key": author_name(index),
                "username_skeleton": None,
                "email": f"{author_name(index)}@bench.example",
                "password_hash": "!",
                "created_at": created,
                "notify": "all",
                "notify_preview": True,
                "sound": True,
            }
            for index in range(AUTHORS)
        ],
    )
    rooms = stored_rooms()
    connection.execute(insert(TABLES["conversations"]), rooms)
    connection.execute(
        insert(TABLES["memberships"]),
        [
            {"room": room["slug"], "username": author_name(j), "joined_at_ms": 0}
            for number, room in enumerate(rooms)
            if room["private"]
            for j in range(number, number + 40)
        ]
        + [
            {"room": slug, "username": READER, "joined_at_ms": 0}
            for slug in joined_private(rooms)
        ],
    )


def generate(database_url: str) -> dict[str, float]:
    """Write the history into a migrated database, in transactions of ``BATCH``.

    Args:
        database_url: An empty, migrated database.

    Returns:
        Seconds taken, and messages per second.
    """
    from sqlalchemy import delete, insert

    from chat_app.db import make_engine

    started = time.monotonic()
    engine = make_engine(database_url)
    last: dict[str, tuple[int, int]] = {}
    with engine.begin() as connection:
        _people_and_rooms(connection)
    for rows in messages(vocabulary()):
        with engine.begin() as connection:
            connection.execute(insert(TABLES["messages"]), rows)
        for row in rows:
            last[row["room"]] = (row["seq"], row["sent_at_ms"])
        done = rows[-1]["id"]
        if done % 100_000 == 0:
            rate = done / (time.monotonic() - started)
            print(f"search: {done:,} messages written ({rate:,.0f}/s)", flush=True)
    with engine.begin() as connection:
        connection.execute(delete(TABLES["room_sequences"]))
        connection.execute(
            insert(TABLES["room_sequences"]),
            [
                {"room": room, "last_seq": seq, "last_at_ms": at}
                for room, (seq, at) in last.items()
            ],
        )
    engine.dispose()
    seconds = time.monotonic() - started
    return {"seconds": round(seconds, 1), "per_second": round(MESSAGES / seconds)}


CACHE = ARTIFACTS / "search-cache"


def cached_sqlite() -> tuple[Path, dict[str, Any]]:
    """The generated SQLite database, made once per :data:`VERSION`.

    Returns:
        The cached file, and how it was made (``reused`` if it already was).
    """
    path = CACHE / f"{VERSION}.db"
    about = CACHE / f"{VERSION}.json"
    if path.exists() and about.exists():
        return path, {**json.loads(about.read_text()), "reused": True}
    env = chat_environment("bench-search-generate")
    migrate(env)
    print(f"search: generating {MESSAGES:,} messages on SQLite", flush=True)
    made: dict[str, Any] = {**generate(env["CHAT_DATABASE_URL"]), "load": load()}
    source = Path(env["CHAT_DATA_DIR"]) / "chat.db"
    with sqlite3.connect(source) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    CACHE.mkdir(parents=True, exist_ok=True)
    shutil.move(source, path)
    shutil.rmtree(env["CHAT_DATA_DIR"], ignore_errors=True)
    made["bytes"] = path.stat().st_size
    about.write_text(json.dumps(made))
    print(f"search: generated in {made['seconds']} s ({made})", flush=True)
    return path, {**made, "reused": False}


COPIED = (
    "users",
    "conversations",
    "memberships",
    "room_sequences",
    "messages",
)


def load_postgres(source: Path, database_url: str) -> dict[str, float]:
    """Copy the generated history into a migrated PostgreSQL database.

    ``COPY`` of every row of the SQLite file; the GIN index of migration 0016
    is dropped for the copy and built again after it, as a bulk load does.

    Args:
        source: The cached SQLite file.
        database_url: The migrated PostgreSQL database (SQLAlchemy URL).

    Returns:
        Seconds taken (copy, index).
    """
    import psycopg
    from psycopg import sql

    started = time.monotonic()
    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    lite = sqlite3.connect(source)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP INDEX ix_messages_search")
        for table in COPIED:
            cursor = lite.execute(f"SELECT * FROM {table}")  # noqa: S608
            columns = [d[0] for d in cursor.description]
            if table in ("users", "room_sequences"):
                connection.execute(
                    sql.SQL("DELETE FROM {}").format(sql.Identifier(table))
                )
            booleans = _boolean_columns(connection, table)
            with (
                connection.cursor() as pg,
                pg.copy(
                    sql.SQL("COPY {} ({}) FROM STDIN").format(
                        sql.Identifier(table),
                        sql.SQL(", ").join(map(sql.Identifier, columns)),
                    )
                ) as copy,
            ):
                for row in cursor:
                    copy.write_row(
                        [
                            bool(value)
                            if column in booleans and value is not None
                            else value
                            for column, value in zip(columns, row, strict=True)
                        ]
                    )
        for table in ("users", "messages"):
            connection.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence({}, 'id'),"
                    " (SELECT max(id) FROM {}))"
                ).format(sql.Literal(table), sql.Identifier(table))
            )
        copied = time.monotonic() - started
        connection.execute(
            "CREATE INDEX ix_messages_search ON messages USING gin (search_vector)"
        )
        connection.execute("ANALYZE")
    lite.close()
    return {
        "seconds": round(time.monotonic() - started, 1),
        "copy_seconds": round(copied, 1),
    }


def _boolean_columns(connection: Any, table: str) -> set[str]:
    rows = connection.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_name = %s AND data_type = 'boolean'",
        (table,),
    ).fetchall()
    return {row[0] for row in rows}


def query_mix(words: Sequence[str]) -> list[tuple[str, str]]:
    """The fixed mix of searches: (kind, the box's text), 220 of them.

    A trailing space is a finished word (exact); the ``prefix`` kind is the word
    being typed (matched as a beginning), as the box sends it after its debounce.

    Args:
        words: :func:`vocabulary`, most common first.

    Returns:
        The searches, kinds interleaved, no search twice in a row.
    """
    real = len(PORTUGUESE.split()) + len(ENGLISH.split())
    rare = words[real + 1500 :: 60]
    mid = words[30:400]
    kinds: dict[str, list[str]] = {
        "common": [f"{word} " for word in words[:25]],
        "rare": [f"{word} " for word in rare[:12]]
        + [f"{number} " for number in range(10_007, 100_000, 6_947)][:13],
        "two words": [f"{a} {b} " for a, b in zip(mid[::7], mid[3::7], strict=False)][
            :25
        ],
        "prefix": ["relat", "reun", "deplo", "produ", "orçam", "conf", "atual"]
        + [word[: max(3, len(word) // 2 + 1)] for word in mid[1::17]][:18],
        "phrase": [f'"{phrase}" ' for phrase in PHRASES]
        + [f'"{a} {b}" ' for a, b in zip(words[:8], words[8:16], strict=True)],
        "excluded": [f"{a} -{b} " for a, b in zip(mid[::11], words[:20], strict=False)][
            :20
        ],
        "from:@user": [
            f"from:@{author_name(i * 9)} {word} "
            for i, word in enumerate(mid[5::13][:20])
        ],
        "in:#room": [
            f"in:#{('sala-2', 'sala-3', 'proj-01', 'proj-10')[i % 4]} {word} "
            for i, word in enumerate(mid[2::13][:20])
        ],
        "has:": ["has:file ", "has:image ", "has:file relatório ", "has:image foto "]
        * 2
        + [f"has:file {word} " for word in words[:7]],
        "after:date": [
            f"after:2026-{1 + i % 10:02d}-01 {word} "
            for i, word in enumerate(mid[4::19][:15])
        ],
        "nowhere": [f"zqxwvk{number} " for number in range(10)],
    }
    mix: list[tuple[str, str]] = []
    for index in range(max(len(texts) for texts in kinds.values())):
        for kind, texts in kinds.items():
            if index < len(texts):
                mix.append((kind, texts[index]))
    return mix


def figures(samples: Sequence[float]) -> dict[str, float]:
    """p50, p95, p99 and max of samples in ms."""
    return {
        "count": len(samples),
        "p50_ms": round(percentile(samples, 0.5), 1),
        "p95_ms": round(percentile(samples, 0.95), 1),
        "p99_ms": round(percentile(samples, 0.99), 1),
        "max_ms": round(max(samples, default=0.0), 1),
    }


def by_kind(samples: Sequence[tuple[str, float]]) -> dict[str, Any]:
    """Figures overall and per kind of search."""
    kinds: dict[str, list[float]] = {}
    for kind, ms in samples:
        kinds.setdefault(kind, []).append(ms)
    return {
        "overall": figures([ms for _, ms in samples]),
        "kinds": {kind: figures(values) for kind, values in kinds.items()},
    }


def in_process(
    database_url: str, mix: Sequence[tuple[str, str]], username: str, rounds: int = 2
) -> dict[str, Any]:
    """The mix through ``rooms.search.search`` in this process: the database's time.

    The first round warms the caches; the figures are of the later ones.

    Args:
        database_url: The database.
        mix: :func:`query_mix`.
        username: Who searches (a member of half the private rooms).
        rounds: Times the mix runs.

    Returns:
        Figures overall and per kind, and hits found per kind.
    """
    from zoneinfo import ZoneInfo

    from chat_app.db import make_engine, session_scope
    from chat_app.domain.search import parse
    from chat_app.rooms.search import search
    from chat_app.settings import get_settings

    engine = make_engine(database_url)
    configured = get_settings().room_list()
    samples: list[tuple[str, float]] = []
    found: dict[str, int] = {}
    slowest: dict[str, float] = {}
    for round_number in range(rounds):
        for kind, text in mix:
            started = time.perf_counter()
            with session_scope(engine, read_only=True) as session:
                result = search(
                    session,
                    query=parse(text),
                    username=username,
                    user_id=0,
                    zone=ZoneInfo("UTC"),
                    configured=configured,
                )
            if round_number:
                ms = (time.perf_counter() - started) * 1000
                samples.append((kind, ms))
                found[kind] = found.get(kind, 0) + len(result.hits)
                slowest[text] = max(ms, slowest.get(text, 0.0))
    engine.dispose()
    worst = sorted(slowest, key=lambda text: -slowest[text])[:5]
    return {
        **by_kind(samples),
        "hits": found,
        "slowest": {text: round(slowest[text], 1) for text in worst},
    }


def explain(database_url: str, texts: Sequence[str], username: str) -> dict[str, str]:
    """The plans of some searches (``EXPLAIN QUERY PLAN`` / ``EXPLAIN ANALYZE``).

    Args:
        database_url: The database.
        texts: The searches.
        username: Who searches.

    Returns:
        Each search's plan, as the database prints it.
    """
    from zoneinfo import ZoneInfo

    from sqlalchemy import event

    from chat_app.db import make_engine, session_scope
    from chat_app.domain.search import parse
    from chat_app.rooms.search import search
    from chat_app.settings import get_settings

    engine = make_engine(database_url)
    postgres = engine.dialect.name == "postgresql"
    captured: list[tuple[str, Any]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if "FROM messages" in statement and "LIMIT" in statement:
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    plans: dict[str, str] = {}
    for text in texts:
        captured.clear()
        with session_scope(engine, read_only=True) as session:
            search(
                session,
                query=parse(text),
                username=username,
                user_id=0,
                zone=ZoneInfo("UTC"),
                configured=get_settings().room_list(),
            )
        if not captured:
            continue
        statement, parameters = captured[0]
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(prefix + statement, parameters)
            rows = cursor.fetchall()
        finally:
            raw.close()
        plans[text] = "\n".join(
            str(row[0]) if postgres else f"{row[1]}>{row[0]}: {row[-1]}" for row in rows
        )
    engine.dispose()
    return plans


async def timed_search(client: ChatClient, text: str) -> float:
    """One search through the tab: ms until its results (or a refusal) arrived.

    The tab's ``text`` var changes with every search of a new text, in the
    same update as its results; consecutive searches of the mix differ.

    Args:
        client: The searcher's tab.
        text: The box's text.

    Returns:
        The time, or -1 when nothing came within :data:`RESULT_TIMEOUT`.
    """
    started = time.perf_counter()
    await client.search(text)
    try:
        await client.wait_for(
            lambda: client.var(SEARCH, "text") == text, RESULT_TIMEOUT
        )
    except TimeoutError:
        return -1.0
    return (time.perf_counter() - started) * 1000


async def search_through(
    client: ChatClient, mix: Sequence[tuple[str, str]], rounds: int
) -> tuple[list[tuple[str, float]], int, int]:
    """Run the mix through a tab ``rounds`` times, one search at a time.

    Returns:
        The samples, searches lost (no answer), searches refused (an error).
    """
    samples: list[tuple[str, float]] = []
    lost = refused = 0
    for _ in range(rounds):
        for kind, text in mix:
            ms = await timed_search(client, text)
            if ms < 0:
                lost += 1
                continue
            if client.var(SEARCH, "error"):
                refused += 1
            samples.append((kind, ms))
    return samples, lost, refused


def add_members(database_url: str, usernames: Sequence[str], rooms: Sequence[str]):
    """Make registered searchers members of the private rooms they read."""
    from sqlalchemy import insert

    from chat_app.db import make_engine

    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            insert(TABLES["memberships"]),
            [
                {"room": room, "username": name, "joined_at_ms": 0}
                for name in usernames
                for room in rooms
            ],
        )
    engine.dispose()


async def searchers(kit: ModuleType, chat: ChatServer, count: int) -> list[ChatClient]:
    """Registered tabs, members of half the private rooms, in Sala 1."""
    tokens = await kit.make_tokens(chat.url, count, "busca")
    names = await _usernames(chat, tokens)
    add_members(
        chat.process.extra_env["CHAT_DATABASE_URL"],
        names,
        joined_private(stored_rooms()),
    )
    clients = [kit.member(chat.url, token) for token in tokens]
    await kit.gather_limited([kit.enter(client) for client in clients], limit=10)
    return clients


async def timed_through(
    kit: ModuleType, chat: ChatServer, mix: Sequence[tuple[str, str]], rounds: int
) -> dict[str, Any]:
    """The mix's figures through a running chat, from one logged-in tab.

    Returns:
        The figures by kind, searches lost and refused, the machine's load.
    """
    [searcher] = await searchers(kit, chat, 1)
    samples, lost, refused = await search_through(searcher, mix, rounds)
    await searcher.close()
    return {**by_kind(samples), "lost": lost, "refused": refused, "load": load()}


async def _usernames(chat: ChatServer, tokens: Sequence[str]) -> list[str]:
    """The usernames of session tokens, from the database (by account id)."""
    import jwt
    from sqlmodel import Session, select

    from chat_app.db import make_engine
    from chat_app.models import User

    ids = [
        int(jwt.decode(token, options={"verify_signature": False})["sub"])
        for token in tokens
    ]
    engine = make_engine(chat.process.extra_env["CHAT_DATABASE_URL"])
    with Session(engine) as session:
        found = dict(
            session.exec(
                select(User.id, User.username).where(
                    User.id.in_(ids)  # pyright: ignore[reportOptionalMemberAccess,reportAttributeAccessIssue]
                )
            ).all()
        )
    engine.dispose()
    return [found[user_id] for user_id in ids]


async def fanout_while_searching(
    kit: ModuleType,
    chat: ChatServer,
    mix: Sequence[tuple[str, str]],
    members: int,
    count: int,
) -> dict[str, Any]:
    """Sala 1's fan-out: quiet, and while searchers search at each of :data:`PACES`.

    Args:
        kit: The bench's module (see :func:`scenario_search`).
        chat: The chat on the generated history.
        mix: :func:`query_mix`.
        members: Sala 1's members.
        count: Messages posted, one every 0.1 s.

    Returns:
        The quiet fan-out; for each pace, the fan-out while searching and the
        searches run meanwhile; the raw socket.io room's fan-out of the same
        size.
    """
    clients = await kit.chat_members([chat.url], members)
    busy = await searchers(kit, chat, SEARCHERS_DURING_FANOUT)
    await kit.settle([*clients, *busy])
    quiet = await kit.fan_out(clients[0], clients[1:], count, 0.1)
    rows = {}
    for name, pause in PACES.items():
        await kit.settle(clients)
        rows[name] = await fanout_searched(kit, clients, busy, mix, count, pause)
    await kit.close_all([*clients, *busy])
    baseline, baseline_url = kit.start_baseline()
    try:
        others = await kit.baseline_members(baseline_url, members)
        base = await kit.fan_out(others[0], others[1:], count, 0.1)
        await kit.close_all(others)
    finally:
        baseline.stop()
    return {
        "members": members,
        "searchers": SEARCHERS_DURING_FANOUT,
        "quiet": quiet,
        "baseline": base,
        **{name: {**row, "baseline": base} for name, row in rows.items()},
    }


async def fanout_searched(
    kit: ModuleType,
    clients: Sequence[ChatClient],
    busy: Sequence[ChatClient],
    mix: Sequence[tuple[str, str]],
    count: int,
    pause: float,
) -> dict[str, Any]:
    """Sala 1's fan-out while each searcher searches, ``pause`` s between searches.

    Returns:
        The fan-out (``app``) and the searches run meanwhile.
    """
    running = True
    samples: list[tuple[str, float]] = []
    lost = 0

    async def keep_searching(client: ChatClient, offset: int) -> None:
        nonlocal lost
        turn = offset
        while running:
            kind, text = mix[turn % len(mix)]
            turn += 1
            ms = await timed_search(client, text)
            if ms < 0:
                lost += 1
            else:
                samples.append((kind, ms))
            await asyncio.sleep(pause)

    started = time.monotonic()
    tasks = [
        asyncio.create_task(keep_searching(client, index * 37))
        for index, client in enumerate(busy)
    ]
    await asyncio.sleep(2)
    try:
        app = await kit.fan_out(clients[0], clients[1:], count, 0.1)
    finally:
        running = False
        await asyncio.gather(*tasks)
    rate = len(samples) / (time.monotonic() - started)
    return {
        "pause_s": pause,
        "app": app,
        "searches": {**by_kind(samples), "lost": lost, "per_second": round(rate, 1)},
    }


def search_environment(name: str, database_url: str | None = None) -> dict[str, str]:
    """A chat server's settings for the scenario: searches and sends not limited."""
    env = chat_environment(
        name,
        {
            "CHAT_MESSAGE_RATE_LIMIT": "1000000",
            "CHAT_SEARCH_RATE_LIMIT": "1000000",
        },
    )
    if database_url:
        env["CHAT_DATABASE_URL"] = database_url
    return env


def load() -> str:
    """The machine's load averages, as ``uptime`` prints them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


async def scenario_search(
    kit: ModuleType, members: int, count: int, rounds: int, postgres_server: bool
) -> dict[str, Any]:
    """Scenario: search over 1,000,000 messages, and sends while searching.

    Args:
        kit: The bench's own module, for its clients and fan-out: ``python -m
            bench`` runs it as ``__main__``, and importing it here would load a
            second copy, with message numbers of its own.
        members: Sala 1's members for the fan-out (100 in the issue).
        count: Messages posted for the fan-out.
        rounds: Times the mix runs through the chat (one search at a time).
        postgres_server: Whether to run the mix through a chat on PostgreSQL too.

    Returns:
        The figures, for ``docs/benchmarks-search.json``.
    """
    from harness.postgres import start_postgres

    words = vocabulary()
    mix = query_mix(words)
    reader = READER
    result: dict[str, Any] = {
        "messages": MESSAGES,
        "conversations": len(CONFIGURED) + STORED_ROOMS,
        "authors": AUTHORS,
        "vocabulary": len(words),
        "queries": len(mix),
        "load_before": load(),
    }
    path, made = cached_sqlite()
    result["generation_sqlite"] = made
    env = search_environment("bench-search")
    data_dir = Path(env["CHAT_DATA_DIR"])
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    started = time.monotonic()
    shutil.copyfile(path, data_dir / "chat.db")
    result["copy_seconds"] = round(time.monotonic() - started, 1)
    sqlite_url = env["CHAT_DATABASE_URL"]
    result["in_process_sqlite"] = in_process(sqlite_url, mix, reader)
    print_figures("in-process SQLite", result["in_process_sqlite"])
    slow = slowest_texts(mix, result["in_process_sqlite"])
    result["plans_sqlite"] = explain(sqlite_url, slow, reader)
    chat = start_chat("bench-search", env=env)
    try:
        result["server_sqlite"] = await timed_through(kit, chat, mix, rounds)
        print_figures("through the chat, SQLite", result["server_sqlite"])
        result["fanout"] = await fanout_while_searching(kit, chat, mix, members, count)
        result["fanout"]["load"] = load()
        print_fanout(result["fanout"])
    finally:
        chat.process.stop()
    postgres = start_postgres("bench-search-postgres")
    try:
        pg_url = postgres.create_database("search")
        pg_env = search_environment("bench-search-postgres", pg_url)
        migrate(pg_env)
        print("search: loading PostgreSQL", flush=True)
        result["generation_postgres"] = load_postgres(path, pg_url)
        print(f"search: PostgreSQL loaded {result['generation_postgres']}", flush=True)
        result["in_process_postgres"] = in_process(pg_url, mix, reader)
        print_figures("in-process PostgreSQL", result["in_process_postgres"])
        result["plans_postgres"] = explain(
            pg_url, slowest_texts(mix, result["in_process_postgres"]), reader
        )
        if postgres_server:
            # The same build as the SQLite server's (stopped by now).
            chat = start_chat("bench-search", env=pg_env)
            try:
                result["server_postgres"] = await timed_through(kit, chat, mix, rounds)
                print_figures("through the chat, PostgreSQL", result["server_postgres"])
            finally:
                chat.process.stop()
    finally:
        postgres.stop()
    result["load_after"] = load()
    return result


def slowest_texts(
    mix: Sequence[tuple[str, str]], measured: dict[str, Any]
) -> list[str]:
    """The three slowest searches, and the first of the slowest kind (by p95)."""
    kind = max(measured["kinds"], key=lambda kind: measured["kinds"][kind]["p95_ms"])
    first = next(text for each, text in mix if each == kind)
    return list(dict.fromkeys([*list(measured["slowest"])[:3], first]))


def print_figures(title: str, measured: dict[str, Any]) -> None:
    """Print figures overall and per kind."""
    overall = measured["overall"]

    def line(name: str, f: dict[str, float]) -> str:
        return (
            f"  {name:<12} n={f['count']:<4} p50 {f['p50_ms']:>7} p95"
            f" {f['p95_ms']:>7} p99 {f['p99_ms']:>7} max {f['max_ms']:>7}"
        )

    passes = verdict(overall["p95_ms"] <= SEARCH_P95_MS)
    print(f"search, {title}: (p95 target {SEARCH_P95_MS} ms: {passes})", flush=True)
    print(line("overall", overall), flush=True)
    for kind, values in measured["kinds"].items():
        print(line(kind, values), flush=True)


def print_fanout(result: dict[str, Any]) -> None:
    """Print the fan-outs while searching against the raw room."""
    base, quiet = result["baseline"], result["quiet"]
    for name in PACES:
        row = result[name]
        app = row["app"]
        print(
            f"search: fan-out {result['members']} members, {result['searchers']}"
            f" searchers {name} ({row['searches']['per_second']} searches/s): p50"
            f" {app['p50_ms']} p99 {app['p99_ms']} lost {app['lost']} (quiet p99"
            f" {quiet['p99_ms']}); raw p99 {base['p99_ms']}; ratio"
            f" {p99_ratio(row) or 0:.1f}x, passes: {verdict(fanout_pass(row))}",
            flush=True,
        )
