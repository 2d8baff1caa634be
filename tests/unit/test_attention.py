from datetime import UTC, datetime

import pytest

from chat_app import attention
from chat_app.domain.attention import AttentionSettings
from chat_app.domain.errors import ChatError
from chat_app.models import User


def make_user(session, username: str) -> int:
    user = User(
        name=username,
        username=username,
        username_key=username,
        email=f"{username}@example.com",
        password_hash="x",
        created_at=datetime.now(UTC),
    )
    session.add(user)
    session.commit()
    assert user.id is not None
    return user.id


def test_a_new_account_is_told_of_everything_with_text_and_sound(session):
    ana = make_user(session, "ana")
    assert attention.settings_of(session, ana) == AttentionSettings("all", True, True)


def test_each_setting_is_saved_alone_and_only_on_that_account(session):
    ana, bia = make_user(session, "ana"), make_user(session, "bia")
    assert attention.save_settings(session, ana, notify="mentions") == (
        AttentionSettings("mentions", True, True)
    )
    attention.save_settings(session, ana, preview=False)
    attention.save_settings(session, ana, sound=False)
    session.commit()
    assert attention.settings_of(session, ana) == AttentionSettings(
        "mentions", False, False
    )
    assert attention.settings_of(session, bia) == AttentionSettings()
    attention.save_settings(session, ana, notify="off", sound=True)
    session.commit()
    assert attention.settings_of(session, ana) == AttentionSettings("off", False, True)


def test_a_gone_account_has_no_settings_to_read_or_save(session):
    with pytest.raises(ChatError, match="no longer exists"):
        attention.settings_of(session, 999_999)
    with pytest.raises(ChatError, match="no longer exists"):
        attention.save_settings(session, 999_999, notify="off")
