"""The start command's checks before anything is written (chat_app.preflight)."""

import os
from pathlib import Path

from chat_app.preflight import folder_problem, sqlite_folder


def test_only_a_sqlite_file_has_a_folder_to_check():
    assert sqlite_folder("sqlite:////data/chat.db") == Path("/data")
    assert sqlite_folder("sqlite:///data/chat.db") == Path("data")
    assert sqlite_folder("sqlite:///:memory:") is None
    assert sqlite_folder("postgresql+psycopg://chat@db:5432/chat") is None


def test_a_folder_that_cannot_be_made_is_named_with_the_uid(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    reason = folder_problem(blocker / "data", "the SQLite database")
    assert reason is not None
    assert f"{blocker / 'data'} (the SQLite database) is not writable" in reason
    assert f"uid {os.getuid()}" in reason


def test_a_writable_folder_is_made_and_left_empty(tmp_path: Path):
    folder = tmp_path / "uploads"
    assert folder_problem(folder, "the uploads") is None
    assert list(folder.iterdir()) == []
