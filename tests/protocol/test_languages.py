"""The tab's language over the real socket: chosen, saved, followed, refused."""

import json

from harness.protocol import CHAT, LOCALE, ChatClient


def asked_to_follow(client, language: str) -> bool:
    """Whether the server asked the tab to show a language (it runs no events)."""
    for frame in client.raw:
        for event in json.loads(frame).get("events") or []:
            if event.get("name") == f"{LOCALE}.follow" and event.get("payload") == {
                "language": language
            }:
                return True
    return False


async def test_a_switch_is_saved_and_the_user_s_other_tabs_follow(connect, account):
    ana, bia = account("ana"), account("bia")
    first, second = await connect(ana), await connect(ana)
    other = await connect(bia)
    assert first.shown_language() == "en"  # the language the account registered with
    await first.switch_language("pt-BR")
    await first.wait_for(lambda: first.shown_language() == "pt-BR")
    await second.wait_for(lambda: asked_to_follow(second, "pt-BR"))
    # Saved on the account: a tab opened later shows it from the start.
    later = await connect(ana)
    assert later.shown_language() == "pt-BR"
    assert not asked_to_follow(other, "pt-BR") and other.shown_language() == "en"
    # The server's messages follow it too.
    await first.emit(f"{LOCALE}.switch", {"language": "en", "extra": 1})
    await first.wait_for(lambda: first.error() == "Esse pedido não foi entendido.")


async def test_a_language_the_chat_lacks_is_refused_and_changes_nothing(
    connect, account
):
    ana = account("ana")
    tab, other_tab = await connect(ana), await connect(ana)
    for bad in ("fr", "", None, 7, ["pt-BR"], {"language": "pt-BR"}, "x" * 10_000):
        await tab.switch_language(bad)
        await tab.wait_for(lambda: tab.error() == "That language is not available.")
        await tab.emit(
            f"{CHAT}.dismiss_error",
            {},
        )
        await tab.wait_for(lambda: tab.error() == "")
    assert tab.shown_language() == "en"
    assert not any(asked_to_follow(other_tab, lang) for lang in ("pt-BR", "fr"))
    later = await connect(ana)
    assert later.shown_language() == "en"


async def test_follow_only_ever_changes_the_tab_that_calls_it(connect, account):
    ana, bia = account("ana"), account("bia")
    tab, bias_tab = await connect(ana), await connect(bia)
    await tab.emit(f"{LOCALE}.follow", {"language": "pt-BR"})
    await tab.wait_for(lambda: tab.shown_language() == "pt-BR")
    await tab.emit(f"{LOCALE}.follow", {"language": "klingon"})
    await tab.switch_language("en")  # a round trip: what came before is done
    await tab.wait_for(lambda: tab.shown_language() == "en")
    assert bias_tab.shown_language() == "en" and not asked_to_follow(bias_tab, "pt-BR")
    # Following is not choosing: the account keeps its own language.
    await tab.emit(f"{LOCALE}.follow", {"language": "pt-BR"})
    await tab.wait_for(lambda: tab.shown_language() == "pt-BR")
    assert (await connect(ana)).shown_language() == "en"


async def test_a_visitor_s_language_comes_from_the_browser(chat_server):
    for header, expected in (
        ("pt-BR,pt;q=0.9", "pt-BR"),
        ("en-GB", "en"),
        ("de", "pt-BR"),
    ):
        visitor = ChatClient(chat_server.url, language=header)
        try:
            await visitor.connect()
            assert visitor.shown_language() == expected
        finally:
            await visitor.close()
