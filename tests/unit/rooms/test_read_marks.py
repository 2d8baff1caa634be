from chat_app.rooms import presence, read_marks
from tests.unit.rooms.steps import NOW, ROOMS, enter, post, unlimited, view


def test_a_new_user_starts_with_everything_read(session, settings):
    post(session, settings, "ana", room="sala-2")
    shown = view(session, "sala-1", "novo")
    assert shown.latest == {"sala-1": 0, "sala-2": 1}
    assert shown.last_read == {"sala-1": 0, "sala-2": 1}
    assert shown.first_unread == 0


def test_unread_counts_and_the_divider_follow_what_the_user_missed(session, settings):
    settings = unlimited(settings)
    enter(session, "t1", "joao")
    view(session, "sala-1", "joao")
    post(session, settings, "ana", room="sala-1")
    presence.leave(session, tab="t1", now=NOW)  # read up to message 1
    for at in range(3):
        post(session, settings, "ana", room="sala-1", at=at)
    posted = post(session, settings, "ana", room="sala-2")
    assert posted.latest == {"sala-2": 1}
    latest, marks = read_marks.read_state(session, username="joao", configured=ROOMS)
    assert (latest["sala-1"], marks["sala-1"]) == (4, 1)
    shown = view(session, "sala-2", "joao")
    assert shown.last_read["sala-1"] == 1
    assert shown.latest["sala-1"] == 4
    shown = view(session, "sala-1", "joao")
    assert shown.first_unread == 2
    again = view(session, "sala-1", "joao")
    assert again.first_unread == 0


def test_a_room_shown_again_reads_nothing_new(session, settings):
    """A reconnect or a reload shows the tab its room: only arriving reads it."""
    settings = unlimited(settings)
    enter(session, "t1", "joao")
    view(session, "sala-1", "joao")
    post(session, settings, "ana", room="sala-1")
    post(session, settings, "ana", room="sala-1")
    again = view(session, "sala-1", "joao", arriving=False)
    assert again.read is None
    assert again.first_unread == 1
    assert again.last_read["sala-1"] == 0
    _, marks = read_marks.read_state(session, username="joao", configured=ROOMS)
    assert marks["sala-1"] == 0
    arrived = view(session, "sala-1", "joao")
    assert arrived.read is not None
    assert arrived.last_read["sala-1"] == 2
