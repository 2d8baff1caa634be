"""Accounts and sessions in the browser (I6, I7, I8, A1, A4)."""

import uuid

from playwright.sync_api import expect


def register_in_the_form(user, username: str, password: str = "uma-senha-boa") -> None:
    page = user.page
    page.fill("#register-name", "Ana Lima")
    page.fill("#register-username", username)
    page.fill("#register-email", f"{uuid.uuid4().hex[:10]}@example.com")
    page.fill("#register-password", password)
    page.click("#register-submit")


def test_register_land_in_sala_1_and_stay_logged_in(people):
    visitor = people("visita")
    username = f"ana-{uuid.uuid4().hex[:6]}"
    visitor.open("/register")
    register_in_the_form(visitor, username)
    page = visitor.page
    expect(page.locator("#room-title")).to_have_text("Sala 1")
    expect(page.locator(f"#user-{username}")).to_have_count(1)

    page.reload()
    expect(page.locator("#room-title")).to_have_text("Sala 1")
    expect(page.locator(f"#user-{username}")).to_have_count(1)
    expect(page.locator("#login-submit")).to_have_count(0)

    second_tab = page.context.new_page()
    second_tab.goto(visitor.url("/"))
    expect(second_tab.locator("#room-title")).to_have_text("Sala 1")
    expect(second_tab.locator(f"#user-{username}")).to_have_count(1)
    second_tab.close()


def test_logout_lands_on_login_with_nothing_of_the_room_left(people):
    user = people("sair").enter()
    other = people("outro").enter()
    other.send("mensagem antes do logout")
    expect(user.messages().filter(has_text="mensagem antes do logout")).to_have_count(1)
    user.page.click("#logout-button")
    expect(user.page).to_have_url(user.url("/login"))
    expect(user.page.locator("#login-submit")).to_be_visible()
    expect(user.page.locator("#message-list")).to_have_count(0)
    assert user.page.evaluate("localStorage.getItem('chat_session')") in (None, "")
    expect(other.page.locator(f"#user-{user.name}")).to_have_count(0)
    user.page.goto(user.url("/"))
    expect(user.page).to_have_url(user.url("/login"))


def test_login_form_logs_in_and_explains_refusals(people):
    user = people("entra")
    user.open("/login")
    page = user.page
    page.fill("#login-login", user.name)
    page.fill("#login-password", "not-the-password")
    page.click("#login-submit")
    expect(page.locator("#auth-error")).to_contain_text(
        "Usuário, e-mail ou senha incorretos"
    )
    page.fill("#login-login", user.account.email.upper())
    page.fill("#login-password", user.account.password)
    page.click("#login-submit")
    user.wait_in_room()


def test_registration_errors_are_shown_inline(people):
    taken = people("ocupado")
    visitor = people("novo")
    visitor.open("/register")
    register_in_the_form(visitor, "bad name")
    expect(visitor.page.locator("#auth-error")).to_contain_text("só pode ter")
    expect(visitor.page.locator("#register-username")).to_have_attribute(
        "aria-invalid", "true"
    )
    register_in_the_form(visitor, taken.name.upper())
    expect(visitor.page.locator("#auth-error")).to_contain_text("já está em uso")
    register_in_the_form(visitor, f"ok-{uuid.uuid4().hex[:6]}", password="curta")
    expect(visitor.page.locator("#auth-error")).to_contain_text("pelo menos 8")
    expect(visitor.page.locator("#register-password")).to_have_attribute(
        "aria-invalid", "true"
    )


def test_clicking_a_user_shows_their_name_and_email(people):
    shown = people("mostra").enter()
    viewer = people("olha").enter()
    viewer.page.click(f"#user-{shown.name}")
    modal = viewer.page.locator("#user-modal")
    expect(modal).to_be_visible()
    expect(modal.locator("#user-modal-name")).to_have_text(shown.account.name)
    expect(modal.locator("#user-modal-email")).to_have_text(shown.account.email)
    viewer.page.click("#user-modal-close")
    expect(modal).to_have_count(0)


def test_a_page_without_a_session_is_sent_to_login_and_sees_no_messages(people):
    member = people("membro").enter()
    secret = f"só para membros {uuid.uuid4().hex[:6]}"
    member.send(secret)
    stranger = people("estranho")
    stranger.page.goto(stranger.url("/"))
    expect(stranger.page).to_have_url(stranger.url("/login"))
    expect(stranger.page.locator("#login-submit")).to_be_visible()
    expect(stranger.page.get_by_text(secret)).to_have_count(0)
    assert secret not in stranger.page.content()
