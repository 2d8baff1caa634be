"""Search in the browser: words with or without accents, filters, pages, and a
result far back in history opened in its room, highlighted."""

import uuid

from playwright.sync_api import expect

from harness.protocol import ChatClient
from tests.browser.test_message_actions import by_id
from tests.browser.test_rooms import fill_room, post_and_number
from tests.support.accounts import create_account
from tests.support.threads import run_async


def test_search_finds_words_however_typed_and_opens_a_result_far_back(people):
    reader = people("busca")
    url = reader.server.url
    tag = uuid.uuid4().hex[:6]

    async def say() -> tuple[str, int]:
        author = create_account(url, "autora")
        tab = await ChatClient(url, author.token).connect()
        # Sala 1, the busy room (test_rooms counts on the others holding little).
        await tab.wait_for(lambda: tab.room_slug() == "sala-1")
        number = await post_and_number(tab, f"O Relatório {tag} está pronto")
        await post_and_number(tab, f"relatorio {tag} revisado")
        await fill_room(url, "sala-1", f"depois {tag}", 135)
        await tab.leave_room()
        await tab.close()
        return author.username, number

    said = run_async(say())
    assert said is not None
    author, number = said
    reader.enter()
    page = reader.page
    far = by_id(reader, number)
    expect(far).to_have_count(0)  # beyond the live window

    page.keyboard.press("/")
    box = page.locator("#search-input")
    expect(box).to_be_focused()
    results = page.locator("[data-search-result]")
    for typed in (f"relatório {tag}", f"RELATORIO {tag}"):
        box.fill(typed)
        expect(results).to_have_count(2)
    box.fill(f"{tag} relat")  # the word being typed matches what it begins
    expect(results).to_have_count(2)
    expect(results.first).to_contain_text(f"relatorio {tag} revisado")
    expect(results.nth(1).locator("mark")).to_have_text(["Relatório", tag])
    box.fill(f'"relatório {tag}" -revisado')
    expect(results).to_have_count(1)
    box.fill(f"{tag} from:@{author} pronto")
    expect(results).to_have_count(1)
    box.fill(f"{tag} from:@{reader.name}")
    expect(page.locator("#search-empty")).to_be_visible()
    box.fill(f"{tag} before:ontem")
    expect(page.locator("#search-error")).to_contain_text("2026-11-30")
    # Newest first, a page at a time.
    box.fill(f"{tag} depois")
    expect(results).to_have_count(20)
    expect(results.first).to_contain_text(f"depois {tag} 134")
    page.click("#search-more")
    expect(results).to_have_count(40)

    box.fill(f"relatorio {tag} pronto")
    result = page.locator(f'[data-message-id="sala-1:{number}"]')
    expect(result).to_have_count(1)
    result.click()
    expect(page.locator("#search-dialog")).to_have_count(0)
    expect(far).to_have_count(1)
    expect(far).to_have_attribute("data-highlighted", "true")
    expect(far).to_be_in_viewport()
    expect(page.locator("#room-title")).to_have_text("Sala 1")
