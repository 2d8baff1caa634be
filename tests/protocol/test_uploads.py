"""Uploads against the real server: slow uploads do not stall chat (A8), and a
message may only carry its sender's own uploads (A9)."""

import asyncio
import time

import httpx

from harness.protocol import CHAT
from tests.protocol.test_room_events import has_text, unique

BOUNDARY = "chat-test-boundary"


async def trickle(chunks: int, pause: float):
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="slow.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    for _ in range(chunks):
        yield b"s" * 4096
        await asyncio.sleep(pause)
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


async def test_a_slow_upload_does_not_stall_the_chat(chat_server, connect, account):
    uploader = account("lento")
    ana, bia = await connect(account("ana")), await connect(account("bia"))
    async with httpx.AsyncClient(
        base_url=chat_server.url.rstrip("/"), timeout=60
    ) as http:
        upload = asyncio.create_task(
            http.post(
                "/api/upload",
                content=trickle(chunks=30, pause=0.1),
                headers={
                    "Authorization": f"Bearer {uploader.token}",
                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                },
            )
        )
        await asyncio.sleep(0.3)
        worst = 0.0
        for number in range(6):
            text = unique(f"during-upload-{number}-")
            started = time.monotonic()
            await ana.send(text)
            await bia.wait_for(lambda t=text: has_text(bia, t))
            worst = max(worst, time.monotonic() - started)
        assert not upload.done(), "the upload should still be trickling"
        response = await upload
    assert response.status_code == 201
    assert response.json()["files"][0]["size"] == 30 * 4096
    assert worst < 1.0, f"a chat message took {worst:.2f} s during the upload"


async def test_a_message_can_carry_only_its_senders_uploads(
    chat_server, connect, account
):
    owner, other = account("dono"), account("outro")
    async with httpx.AsyncClient(base_url=chat_server.url.rstrip("/")) as http:
        response = await http.post(
            "/api/upload",
            headers={"Authorization": f"Bearer {owner.token}"},
            files=[("files", ("nota.txt", b"hello", "text/plain"))],
        )
    [link] = response.json()["links"]
    thief = await connect(other)
    reader = await connect(account("le"))
    secret = unique("stolen-")
    await thief.emit(
        f"{CHAT}.send", {"form_data": {"text": secret, "attachments": f'["{link}"]'}}
    )
    await thief.wait_for(lambda: "not one of your uploads" in thief.error())
    await thief.emit(
        f"{CHAT}.send", {"form_data": {"text": "x", "attachments": "not json"}}
    )
    await thief.wait_for(lambda: "could not be read" in thief.error())
    sender = await connect(owner)
    await sender.emit(
        f"{CHAT}.send", {"form_data": {"text": "", "attachments": f'["{link}"]'}}
    )
    await reader.wait_for(
        lambda: any(
            m["files"] and m["files"][0]["url"] == link for m in reader.messages()
        )
    )
    assert not reader.carried(secret)
