import base64
import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import jwt
import pytest

from chat_app import security
from chat_app.cpu import cpu_slots
from chat_app.security import (
    AuthError,
    create_token,
    decode_token,
    dummy_hash,
    hash_password,
    verify_password,
)

SECRET = b"s" * 32
NOW = 1_800_000_000.0


def test_hash_and_verify_round_trip_at_cost_12():
    password_hash = hash_password("correct horse", rounds=12)
    assert password_hash.startswith("$2b$12$")
    assert "correct horse" not in password_hash
    assert verify_password("correct horse", password_hash)
    assert not verify_password("wrong horse", password_hash)


def test_a_72_byte_password_hashes_and_a_longer_one_never_verifies():
    exact = "é" * 36  # 72 bytes of UTF-8
    password_hash = hash_password(exact, rounds=4)
    assert verify_password(exact, password_hash)
    assert not verify_password(exact + "x", password_hash)


def test_short_passwords_hash_too_the_length_rule_lives_in_validation():
    assert verify_password("a", hash_password("a", rounds=4))


def test_verify_refuses_garbage_hashes_instead_of_raising():
    assert not verify_password("x", "not-a-hash")
    assert not verify_password("x", "")


def test_the_dummy_hash_is_a_real_bcrypt_hash_of_the_same_cost():
    assert dummy_hash(4).startswith("$2b$04$")
    assert not verify_password("", dummy_hash(4))


def test_no_more_bcrypt_work_runs_at_once_than_there_are_cores(monkeypatch):
    calls, slots = 48, cpu_slots()
    running, most, done = 0, 0, 0
    changed = threading.Condition()

    class SlowBcrypt:
        def _work(self) -> None:
            nonlocal running, most, done
            with changed:
                running += 1
                most = max(most, running)
                changed.notify_all()
                # Hold the slot until as many as may run at once are inside, so
                # that one too many would show (the last calls fill fewer).
                changed.wait_for(lambda: running >= min(slots, calls - done), 10)
                running -= 1
                done += 1
                changed.notify_all()

        def hash(self, _password: str) -> str:
            self._work()
            return "hashed"

        def verify(self, _password: str, _hash: str) -> bool:
            self._work()
            return False

    monkeypatch.setattr(security, "_context", lambda _rounds: SlowBcrypt())

    def one(index: int) -> object:
        if index % 2:
            return hash_password("password", rounds=4)
        return verify_password("password", "hashed")

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(one, range(calls)))
    assert 1 <= most <= (os.cpu_count() or 1)


def test_a_token_carries_the_required_claims():
    token, claims = create_token(7, secret=SECRET, now=NOW, ttl_seconds=3600)
    payload = jwt.decode(
        token,
        SECRET,
        algorithms=["HS256"],
        options={"verify_exp": False, "verify_iat": False},
    )
    assert payload == {
        "sub": "7",
        "iat": int(NOW),
        "exp": int(NOW) + 3600,
        "jti": claims.token_id,
    }
    assert decode_token(token, secret=SECRET, now=NOW + 10) == claims


def test_tokens_have_unique_ids():
    first, _ = create_token(7, secret=SECRET, now=NOW, ttl_seconds=60)
    second, _ = create_token(7, secret=SECRET, now=NOW, ttl_seconds=60)
    assert first != second


def test_an_expired_token_is_refused():
    token, _ = create_token(7, secret=SECRET, now=NOW, ttl_seconds=60)
    with pytest.raises(AuthError, match="expired"):
        decode_token(token, secret=SECRET, now=NOW + 60)


def test_a_token_signed_with_another_secret_is_refused():
    token, _ = create_token(7, secret=b"o" * 32, now=NOW, ttl_seconds=60)
    with pytest.raises(AuthError, match="not valid"):
        decode_token(token, secret=SECRET, now=NOW)


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_tampered_payload_is_refused():
    token, _ = create_token(7, secret=SECRET, now=NOW, ttl_seconds=60)
    header, _, signature = token.split(".")
    forged_payload = _b64(
        {"sub": "1", "iat": int(NOW), "exp": int(NOW) + 60, "jti": "x"}
    )
    with pytest.raises(AuthError):
        decode_token(f"{header}.{forged_payload}.{signature}", secret=SECRET, now=NOW)


def test_alg_none_is_refused():
    claims = {"sub": "7", "iat": int(NOW), "exp": int(NOW) + 60, "jti": "x"}
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    with pytest.raises(AuthError):
        decode_token(unsigned, secret=SECRET, now=NOW)


def test_another_hmac_algorithm_is_refused():
    claims = {"sub": "7", "iat": int(NOW), "exp": int(NOW) + 60, "jti": "x"}
    token = jwt.encode(claims, SECRET * 2, algorithm="HS512")
    with pytest.raises(AuthError):
        decode_token(token, secret=SECRET * 2, now=NOW)


def test_a_token_issued_in_the_future_is_refused():
    token, _ = create_token(7, secret=SECRET, now=NOW + 3600, ttl_seconds=7200)
    with pytest.raises(AuthError):
        decode_token(token, secret=SECRET, now=NOW)


@pytest.mark.parametrize("missing", ["sub", "iat", "exp", "jti"])
def test_a_token_missing_a_claim_is_refused(missing):
    claims = {"sub": "7", "iat": int(NOW), "exp": int(NOW) + 60, "jti": "x"}
    del claims[missing]
    token = jwt.encode(claims, SECRET, algorithm="HS256")
    with pytest.raises(AuthError):
        decode_token(token, secret=SECRET, now=NOW)


@pytest.mark.parametrize("token", ["", None, 42, "a.b.c", "not a token"])
def test_malformed_tokens_are_refused(token):
    with pytest.raises(AuthError):
        decode_token(token, secret=SECRET, now=time.time())
