"""The image, built by ``make test-container`` and run as an operator would (N2).

One container on two named volumes serves most tests (``deployment``); the
refusals and the offline start get containers of their own (``lab``).
"""

import json
import secrets
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.container.conftest import (
    ENGINE,
    START_SECONDS,
    UID,
    Deployment,
    Lab,
    engine,
)
from tests.support.accounts import Account, create_account

expect.set_options(timeout=15_000)


@pytest.fixture
def enter(browser: Browser) -> Iterator[Callable[[str, Account], Page]]:
    """Open the chat as a user in a browser context of their own, in Sala 1.

    The contexts are closed after the test; a JavaScript error on a page fails it.
    """
    pages: list[Page] = []
    errors: list[str] = []

    def open_chat(url: str, account: Account) -> Page:
        page = browser.new_context().new_page()
        pages.append(page)
        page.on(
            "pageerror", lambda error: errors.append(f"{account.username}: {error}")
        )
        page.goto(url + "/login")
        expect(page.locator("#app[data-hydrated='true']")).to_have_count(1)
        token = json.dumps(account.token)
        page.evaluate(f"localStorage.setItem('chat_session', {token})")
        page.goto(url + "/")
        expect(page.locator("#composer-input")).to_be_visible()
        expect(page.locator("#room-title")).to_have_text("Sala 1")
        expect(page.locator(f"#user-{account.username}")).to_have_count(1)
        return page

    try:
        yield open_chat
    finally:
        for page in pages:
            page.context.close()
    assert not errors, "JavaScript errors:\n" + "\n".join(errors)


def send(page: Page, text: str) -> None:
    """Type a message and press Enviar; wait until it shows as sent."""
    page.fill("#composer-input", text)
    page.click("#send-button")
    expect(page.locator("#composer-input")).to_have_value("")
    expect(message(page, text)).to_have_count(1)


def message(page: Page, text: str):
    """The message bubbles on a page holding a text."""
    return page.locator("#message-list .message").filter(has_text=text)


def upload(url: str, account: Account, name: str, data: bytes) -> str:
    """Upload one file through the API; its link."""
    response = httpx.post(
        url + "/api/upload",
        headers={"Authorization": f"Bearer {account.token}"},
        files=[("files", (name, data, "text/plain"))],
        timeout=30,
    )
    assert response.status_code == 201, response.text
    [link] = response.json()["links"]
    return link


def test_a_weak_secret_is_refused_before_anything_is_created(lab: Lab):
    data, uploads = lab.host_folder(), lab.host_folder()
    result = lab.run_to_exit(data, uploads, {"CHAT_JWT_SECRET": "change-me" * 4})
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "CHAT_JWT_SECRET looks like a placeholder" in output
    assert list(data.iterdir()) == []
    assert list(uploads.iterdir()) == []


@pytest.mark.parametrize("folder", ["/data", "/uploads"])
def test_a_folder_uid_10001_cannot_write_is_named_at_start(lab: Lab, folder: str):
    mounts = {"/data": lab.host_folder(), "/uploads": lab.host_folder()}
    mounts[folder] = lab.host_folder(owner=None)  # root's, 0755
    env = {"CHAT_JWT_SECRET": secrets.token_hex(32)}
    result = lab.run_to_exit(mounts["/data"], mounts["/uploads"], env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert f"The chat cannot start: {folder} " in output
    assert f"not writable by uid {UID}" in output
    assert "Traceback" not in output


def test_starts_healthy_within_15_seconds_as_uid_10001(deployment: Deployment):
    container = deployment.container
    assert deployment.start_seconds[0] < START_SECONDS, deployment.start_seconds
    assert container.health_check()
    if ENGINE == "podman":
        health = engine(
            "inspect", "--format", "{{.State.Health.Status}}", container.name
        )
        assert health.stdout.strip() == "healthy"
    # Every process in the container, not only the configured user.
    statuses = container.exec("sh", "-c", "cat /proc/[0-9]*/status")
    uids = {
        line.split()[1] for line in statuses.splitlines() if line.startswith("Uid:")
    }
    assert uids == {str(UID)}


def test_register_login_upload_and_the_page(deployment: Deployment):
    url = deployment.container.url
    account = create_account(url, "http")  # registers, then logs in
    data = f"notes {uuid.uuid4()}".encode()
    link = upload(url, account, "notes.txt", data)
    assert httpx.get(url + link, timeout=30).content == data
    page = httpx.get(url + "/", timeout=30)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")


def test_two_users_exchange_a_message_in_chromium(deployment: Deployment, enter):
    url = deployment.container.url
    ana = enter(url, create_account(url, "ana"))
    bia = enter(url, create_account(url, "bia"))
    send(ana, "Olá de dentro do contêiner")
    expect(message(bia, "Olá de dentro do contêiner")).to_have_count(1)
    send(bia, "Oi, Ana!")
    expect(message(ana, "Oi, Ana!")).to_have_count(1)


def test_recreated_on_the_same_volumes_it_keeps_users_messages_and_uploads(
    deployment: Deployment, enter
):
    url = deployment.container.url
    account = create_account(url, "keeps")
    data = f"kept {uuid.uuid4()}".encode()
    link = upload(url, account, "kept.txt", data)
    page = enter(url, account)
    send(page, "guardada antes de recriar")
    page.context.close()

    url = deployment.recreate().url
    assert deployment.start_seconds[-1] < START_SECONDS, deployment.start_seconds
    login = httpx.post(
        url + "/api/auth/login",
        json={"login": account.username, "password": account.password},
        timeout=30,
    )
    assert login.status_code == 200, login.text
    assert httpx.get(url + link, timeout=30).content == data
    page = enter(url, account)  # the session outlived the container too
    expect(message(page, "guardada antes de recriar")).to_have_count(1)


def test_no_error_lines_in_the_logs(deployment: Deployment):
    """Runs last in the module: every container it started, online."""
    assert deployment.bad_lines() == []


def test_starts_offline_healthy_within_15_seconds(lab: Lab):
    """No network at all: nothing to download at start (no npm), no errors."""
    container = lab.start(lab.volume(), lab.volume(), network="none")
    seconds = container.wait_healthy(timeout=120)
    assert seconds < START_SECONDS
    assert container.health_check()
    logs = container.logs()
    assert "npm" not in logs.lower()
    assert container.bad_lines() == []
