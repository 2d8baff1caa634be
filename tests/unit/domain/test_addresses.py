import pytest
from starlette.requests import Request

from chat_app import settings
from chat_app.api import web
from chat_app.domain.addresses import client_address


@pytest.mark.parametrize(
    ("forwarded_for", "hops", "expected"),
    [
        ("203.0.113.9", 0, "10.0.0.2"),  # no proxy trusted: the header is ignored
        ("203.0.113.9", 1, "203.0.113.9"),
        ("6.6.6.6, 203.0.113.9", 1, "203.0.113.9"),  # a forged entry on the left
        ("203.0.113.9, 10.0.0.7", 2, "203.0.113.9"),
        ("", 1, "10.0.0.2"),  # the proxy sent no header
        ("203.0.113.9", 2, "10.0.0.2"),  # fewer entries than proxies: not trusted
    ],
)
def test_the_client_is_read_through_trusted_proxies_only(forwarded_for, hops, expected):
    assert client_address("10.0.0.2", forwarded_for, hops) == expected


def test_the_api_reads_every_forwarded_for_line(monkeypatch):
    monkeypatch.setenv("REFLEX_TRUSTED_PROXY_HOPS", "1")
    settings.get_settings.cache_clear()
    scope = {
        "type": "http",
        "client": ("10.0.0.2", 1234),
        "headers": [
            (b"x-forwarded-for", b"6.6.6.6"),  # written by the client
            (b"x-forwarded-for", b"203.0.113.9"),  # appended by the proxy
        ],
    }
    try:
        assert web.client_address(Request(scope)) == "203.0.113.9"
    finally:
        settings.get_settings.cache_clear()
