import pytest

from chat_app.domain.errors import ChatError
from chat_app.domain.moderation import (
    MAX_REASON_LENGTH,
    MutedError,
    NotAllowedError,
    check_admin,
    check_not_muted,
    check_target,
    is_admin,
    mute_seconds,
    valid_reason,
)

ADMINS = ["Ana", " bia "]


def test_administrators_are_named_in_any_case():
    assert is_admin("ana", ADMINS) and is_admin("BIA", ADMINS)
    assert not is_admin("caio", ADMINS)
    assert not is_admin("", ADMINS)
    assert not is_admin("ana", [])
    check_admin("ANA", ADMINS)
    with pytest.raises(NotAllowedError, match="Only administrators"):
        check_admin("caio", ADMINS)


def test_nobody_bans_or_mutes_themselves_or_another_administrator():
    check_target(admin="ana", target="caio", admins=ADMINS)
    with pytest.raises(ChatError, match="yourself"):
        check_target(admin="ana", target="ANA", admins=ADMINS)
    with pytest.raises(ChatError, match="another administrator"):
        check_target(admin="ana", target="Bia", admins=ADMINS)


def test_a_mute_lasts_one_of_the_offered_times():
    assert mute_seconds("10m") == 600
    assert mute_seconds("1h") == 3600
    assert mute_seconds("1d") == 86400
    for raw in ("2h", "", None, 600, ["1h"]):
        with pytest.raises(ChatError, match="how long"):
            mute_seconds(raw)


def test_a_reason_is_optional_and_short():
    assert valid_reason(None) == ""
    assert valid_reason("  spam  ") == "spam"
    assert valid_reason("x" * MAX_REASON_LENGTH) == "x" * MAX_REASON_LENGTH
    with pytest.raises(ChatError, match="at most 300"):
        valid_reason("x" * (MAX_REASON_LENGTH + 1))
    with pytest.raises(ChatError, match="not understood"):
        valid_reason({"text": "spam"})


def test_a_muted_person_is_told_until_when():
    check_not_muted(None, now_ms=1000)
    check_not_muted(1000, now_ms=1000)  # the mute just ended
    # 1_800_000_600_000 ms is 2027-01-15 08:10 UTC.
    with pytest.raises(MutedError) as refused:
        check_not_muted(1_800_000_600_000, now_ms=1_800_000_000_000)
    assert str(refused.value) == "You are muted until 08:10 UTC (10 min from now)."
