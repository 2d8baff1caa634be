"""Conversations beyond the configured rooms: direct messages, rooms people create.

Each scenario runs on one process and on three workers with Redis and
PostgreSQL (see conftest): the people of a scenario are on different workers.
"""

import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import User


def start_direct(user: User, other: User) -> str:
    """Open the direct conversation with someone present in the room; its slug."""
    user.page.click(f"#user-{other.name}")
    user.page.click("#message-user-button")
    expect(user.page.locator("#room-title")).to_have_text(other.account.name)
    expect(user.page.locator("#composer-input")).to_be_visible()
    found = re.search(r"/rooms/(dm-\d+-\d+)$", user.page.url)
    assert found, user.page.url
    return found.group(1)


def create_room(user: User, name: str, *, private: bool) -> str:
    """Create a room through the dialog and wait to be in it; its slug."""
    user.page.click("#new-room-button")
    user.page.fill("#new-room-name", name)
    if private:
        user.page.click("#new-room-private")
    user.page.click("#new-room-submit")
    expect(user.page.locator("#room-title")).to_have_text(name)
    expect(user.page.locator("#composer-input")).to_be_visible()
    return user.page.url.rsplit("/rooms/", 1)[1]


def test_two_people_talk_directly_and_a_third_sees_nothing_of_it(people):
    ana, bia, caio = people("direta-a"), people("direta-b"), people("direta-c")
    for user in (ana, bia, caio):
        user.enter()
    expect(ana.page.locator(f"#user-{bia.name}")).to_have_count(1)
    slug = start_direct(ana, bia)
    entry = ana.page.locator(f"#room-{slug}")
    expect(entry).to_have_attribute("data-kind", "direct")
    # Bia is here: her dot says so, and stops saying it once she is gone.
    dot = ana.page.locator(f"#presence-{bia.name}")
    expect(dot).to_have_attribute("data-online", "true")
    ana.send("Só entre nós: o prêmio é amanhã")
    # Bia's list gets the conversation, its preview and an unread count.
    in_bia = bia.page.locator(f"#room-{slug}")
    expect(in_bia).to_contain_text(ana.account.name)
    expect(in_bia).to_contain_text("o prêmio é amanhã")
    expect(bia.page.locator(f"#unread-{slug}")).to_have_text("1")
    in_bia.click()
    expect(bia.page.locator("#room-title")).to_have_text(ana.account.name)
    expect(bia.messages().last).to_contain_text("o prêmio é amanhã")
    bia.send("Combinado")
    expect(ana.messages().last).to_contain_text("Combinado")
    # Caio: not in his list, and its address is no room for him.
    expect(caio.page.locator(f"#room-{slug}")).to_have_count(0)
    expect(caio.page.get_by_text("o prêmio é amanhã")).to_have_count(0)
    bia.page.context.close()
    expect(dot).to_have_attribute("data-online", "false", timeout=40_000)
    caio.page.goto(caio.url(f"/rooms/{slug}"))
    expect(caio.page.locator("#error-message")).to_be_visible()
    expect(caio.page.locator("#room-title")).to_have_text("Sala 1")
    expect(caio.page.get_by_text("o prêmio é amanhã")).to_have_count(0)


def test_a_private_room_its_owner_invites_to_removes_from_and_archives(people):
    owner, guest, outsider = people("dona"), people("convidada"), people("fora")
    for user in (owner, guest, outsider):
        user.enter()
    name = f"Projeto {uuid.uuid4().hex[:6]}"
    slug = create_room(owner, name, private=True)
    expect(owner.page.locator(f"#room-{slug}")).to_have_attribute("data-kind", "room")
    owner.send("Plano secreto")
    expect(outsider.page.locator(f"#room-{slug}")).to_have_count(0)
    owner.page.click("#room-settings-button")
    owner.page.fill("#invite-input", guest.name)
    owner.page.click("#invite-submit")
    expect(owner.page.locator(f"#remove-member-{guest.name}")).to_be_visible()
    # The guest's list shows the room at once; she goes in and reads it.
    guest.page.click(f"#room-{slug}")
    expect(guest.page.locator("#room-title")).to_have_text(name)
    expect(guest.messages().last).to_contain_text("Plano secreto")
    # Removed, her open tab leaves the room at once, saying why.
    owner.page.click(f"#remove-member-{guest.name}")
    expect(guest.page.locator("#error-message")).to_be_visible()
    expect(guest.page.locator("#room-title")).to_have_text("Sala 1")
    expect(guest.page.locator(f"#room-{slug}")).to_have_count(0)
    expect(owner.page.locator(f"#remove-member-{guest.name}")).to_have_count(0)
    # Archived: read-only for its members, gone from their list.
    owner.page.click("#archive-room")
    expect(owner.page.locator("#archived-note")).to_be_visible()
    expect(owner.page.locator("#composer-input")).to_have_count(0)
    expect(owner.page.locator(f"#room-{slug}")).to_have_count(0)
    expect(owner.messages().last).to_contain_text("Plano secreto")


def test_a_public_room_anyone_finds_and_joins(people):
    owner, visitor = people("publica-a"), people("publica-b")
    owner.enter()
    visitor.enter()
    name = f"Café {uuid.uuid4().hex[:6]}"
    slug = create_room(owner, name, private=False)
    visitor.page.click("#new-room-button")
    visitor.page.click(f"#public-room-{slug}")
    expect(visitor.page.locator("#room-title")).to_have_text(name)
    expect(visitor.page.locator(f"#room-{slug}")).to_have_count(1)
    visitor.send("Cheguei")
    expect(owner.messages().last).to_contain_text("Cheguei")


def test_the_list_orders_conversations_by_activity_with_previews(people):
    ana, bia = people("ordem-a"), people("ordem-b")
    ana.enter()
    bia.enter()
    first = create_room(ana, f"Primeira {uuid.uuid4().hex[:6]}", private=False)
    ana.send("mensagem na primeira")
    second = create_room(ana, f"Segunda {uuid.uuid4().hex[:6]}", private=False)
    ana.send("mensagem na segunda")
    links = ana.page.locator("#rooms-list a")
    ids = links.evaluate_all("(links) => links.map((link) => link.id)")
    # The configured rooms on top, then the latest conversation first.
    assert ids[:3] == ["room-sala-1", "room-sala-2", "room-sala-3"]
    assert ids.index(f"room-{second}") < ids.index(f"room-{first}")
    # A message elsewhere brings the first room back on top, with its preview.
    bia.page.goto(bia.url(f"/rooms/{first}"))
    expect(bia.page.locator("#composer-input")).to_be_visible()
    bia.send("de volta ao topo")
    expect(ana.page.locator(f"#room-{first}")).to_contain_text("de volta ao topo")
    # With when it was said (today: the time).
    when = ana.page.locator(f"#room-{first} .conversation-time")
    expect(when).to_have_text(re.compile(r"^\d{1,2}:\d{2}"))
    expect(links.nth(3)).to_have_id(f"room-{first}")
