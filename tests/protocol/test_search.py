"""Search over the real socket, against a hostile client.

A hostile client calls the search handlers with any arguments and ignores what
the server sends. It never receives a result, a count or a name from a
conversation it may not read, and a search for words that only such a
conversation holds takes no longer than one for words that exist nowhere.
"""

import uuid

from harness.protocol import SEARCH, ChatClient


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def texts(tab: ChatClient) -> list[str]:
    return ["".join(piece["text"] for piece in hit["pieces"]) for hit in tab.hits()]


async def test_a_search_finds_what_the_room_said_newest_first(connect, account):
    ana = await connect(account("ana"))
    word = unique("relatório")
    await ana.send(f"o {word} final")
    await ana.send(f"outro {word}")
    await ana.wait_for(lambda: len(ana.messages()) >= 2)
    await ana.search(word.replace("ó", "o").upper())
    await ana.wait_for(lambda: len(ana.hits()) == 2)
    assert texts(ana) == [f"outro {word}", f"o {word} final"]
    assert ana.var(SEARCH, "searched") is True
