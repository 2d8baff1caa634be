from sqlalchemy import event, text
from sqlmodel import Session

from chat_app.accounts import Registration, create_account
from chat_app.db import READ_ONLY
from chat_app.profiles import rename
from chat_app.rooms import people
from tests.unit.rooms.steps import NOW, enter


def register(session: Session, username: str, name: str | None = None) -> int:
    registration = Registration(
        name=name or username.title(),
        username=username,
        email=f"{username}@example.com",
        password="x" * 12,
    )
    user = create_account(session, registration, password_hash="x", now=NOW)
    session.commit()
    assert user.id is not None
    return user.id


def found(session, query, room: str | None = "sala-1", asker="eu", **options):
    return [
        person.username
        for person in people.find_people(
            session, query=query, room=room, asker=asker, **options
        )
    ]


def test_the_room_comes_first_then_usernames_before_names(session):
    for username, name in [
        ("eu", "Eu Mesma"),
        ("ana", "Ana Lima"),
        ("anabel", "Anabel Reis"),
        ("bruno", "Anísio Bruno"),
        ("carla", "Ângela Carla"),
        ("zeca", "Zeca Pagodinho"),
    ]:
        register(session, username, name)
    for tab, username in enumerate(["eu", "bruno", "anabel", "zeca"]):
        enter(session, f"t{tab}", username)
    # Members (username, then name), then the others (username, then name);
    # the asker never, though "eu" is in the room.
    assert found(session, "an") == ["anabel", "bruno", "ana", "carla"]
    listed = people.find_people(session, query="an", room="sala-1", asker="eu")
    assert [p.member for p in listed] == [True, True, False, False]
    assert listed[1].name == "Anísio Bruno"
    assert listed[1].name_key == "anisio bruno"
    # Another room, or none: the same people, ordered as strangers (names by
    # their key: "angela" before "anisio").
    strangers = ["ana", "anabel", "carla", "bruno"]
    assert found(session, "an", room="sala-2") == strangers
    assert found(session, "an", room=None) == strangers
    # A bare "@": the room, then everyone else.
    assert found(session, "") == ["anabel", "bruno", "zeca", "ana", "carla"]
    assert found(session, "", limit=2) == ["anabel", "bruno"]
    assert found(session, "ze") == ["zeca"]
    assert found(session, "zz") == []


def test_accents_and_case_do_not_matter_and_a_new_name_is_found(session):
    user_id = register(session, "lia", "Ângela")
    assert found(session, "angel") == ["lia"]
    assert found(session, "ANG".casefold()) == ["lia"]
    rename(session, user_id, "Úrsula Lia")
    session.commit()
    assert found(session, "angel") == []
    assert found(session, "urs") == ["lia"]


def test_like_wildcards_match_only_themselves(session):
    for username in ["a_b", "axb", "a.b"]:
        register(session, username)
    assert found(session, "a_") == ["a_b"]
    # Not a query the chat would look up, but not a wildcard either.
    assert found(session, "a%") == []
    assert found(session, "%") == []
    assert found(session, "a.") == ["a.b"]


def test_at_most_eight_people_are_listed(session):
    for number in range(12):
        register(session, f"pessoa{number:02}")
    assert found(session, "pessoa") == [f"pessoa{n:02}" for n in range(8)]


def test_each_query_is_a_range_of_an_index(session):
    """Asked at every pause in typing: no query reads the whole table."""
    for number in range(30):
        register(session, f"gente{number:02}", f"Nome {number}")
    for tab, username in enumerate(["gente03", "gente17"]):
        enter(session, f"t{tab}", username)
    statements: list[tuple[str, object]] = []
    bind = session.get_bind()

    def seen(_conn, _cursor, statement, parameters, _context, _many):
        if "FROM users" in statement:
            statements.append((statement, parameters))

    event.listen(bind, "before_cursor_execute", seen)
    try:
        found(session, "gente1")
        found(session, "nome")
    finally:
        event.remove(bind, "before_cursor_execute", seen)
    assert len(statements) >= 4
    sqlite = bind.dialect.name == "sqlite"
    connection = session.connection()
    if not sqlite:
        connection.execute(text("SET LOCAL enable_seqscan = off"))
    for statement, parameters in statements:
        explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
        rows = connection.exec_driver_sql(explain + statement, parameters).all()
        plan = "\n".join(str(row[-1]) for row in rows)
        if sqlite:
            assert "SEARCH users USING" in plan and "SCAN users" not in plan, plan
        else:
            assert "Index Cond" in plan and "Seq Scan" not in plan, plan
    session.rollback()


def test_finding_people_only_reads():
    assert getattr(people.find_people, READ_ONLY, False)
