import pytest

from chat_app.domain.people import like_prefix, mention_query, search_key


@pytest.mark.parametrize(
    ("typed", "query"),
    [("", ""), ("Ana", "ana"), ("a.b-c_d", "a.b-c_d"), ("x" * 32, "x" * 32)],
)
def test_a_query_is_the_start_of_a_username_in_any_case(typed, query):
    assert mention_query(typed) == query


@pytest.mark.parametrize(
    "typed",
    [
        "x" * 33,
        "a b",
        "%",
        "a%",
        "ana'--",
        "' OR 1=1 --",
        "Ângela",
        "a\x00",
        "a\n",
        None,
        7,
        ["ana"],
        {"query": "ana"},
        True,
    ],
)
def test_anything_else_finds_no_one(typed):
    assert mention_query(typed) is None


def test_names_are_looked_for_without_accents_or_case():
    assert search_key("Ângela Souza") == "angela souza"
    assert search_key("JOÃO Conceição") == "joao conceicao"
    assert search_key("Straße") == "strasse"
    assert search_key("x" * 100) == "x" * 64


def test_like_wildcards_are_taken_literally():
    assert like_prefix("a_b") == "a\\_b%"
    assert like_prefix("50%") == "50\\%%"
    assert like_prefix("a\\") == "a\\\\%"
