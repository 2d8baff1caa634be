import pytest
from sqlmodel import select

from chat_app.domain.actions import MessageNotFoundError
from chat_app.domain.errors import ChatError
from chat_app.domain.receipts import PendingReport, Reader
from chat_app.models import ReadSpan
from chat_app.rooms import actions, liveness, read_marks, receipts
from tests.unit.rooms.steps import NOW, ROOMS, enter, post, unlimited, view


def report(session, tab, username, number, now=NOW):
    recorded = receipts.record_reads(
        session,
        reports={
            tab: PendingReport(username=username, sid=f"sid-{tab}", number=number)
        },
        now=now,
        configured=ROOMS,
    )
    session.commit()
    return recorded


def spans(session, username):
    rows = session.exec(select(ReadSpan).where(ReadSpan.username == username))
    return sorted((row.first_seq, row.last_seq, row.at_ms) for row in rows)


def test_reading_along_extends_one_stretch_a_minute(session, settings):
    settings = unlimited(settings)
    enter(session, "t1", "bia")
    view(session, "sala-1", "bia")
    for at in range(4):
        post(session, settings, "ana", at=at)
    report(session, "t1", "bia", 2, now=NOW + 1)
    report(session, "t1", "bia", 4, now=NOW + 30)
    assert spans(session, "bia") == [(1, 4, int((NOW + 1) * 1000))]
    post(session, settings, "ana", at=5)
    report(session, "t1", "bia", 5, now=NOW + 61)
    assert spans(session, "bia")[-1] == (5, 5, int((NOW + 61) * 1000))


def test_reports_are_clamped_forward_only_and_need_the_tab_in_its_room(
    session, settings
):
    enter(session, "t1", "bia")
    view(session, "sala-1", "bia")
    post(session, settings, "ana")
    recorded = report(session, "t1", "bia", 10**6)
    assert recorded.last_read["bia"]["sala-1"] == 1
    assert recorded.skip == {"bia": "sid-t1"}
    # The rooms she was read in (and hers, were she in one), not every room.
    assert recorded.seen == {"ana": {"sala-1": 1}}
    assert not report(session, "t1", "bia", 1).last_read  # nothing moved
    # A tab that is not in a room, or not this user's, counts for nothing.
    assert report(session, "nowhere", "bia", 1).refused == 1
    assert report(session, "t1", "eve", 1).refused == 1
    _, marks = read_marks.read_state(session, username="bia", configured=ROOMS)
    assert marks["sala-1"] == 1


def test_the_author_sees_who_saw_and_their_own_reading_does_not_count(
    session, settings
):
    settings = unlimited(settings)
    enter(session, "ta", "ana")
    view(session, "sala-1", "ana")
    view(session, "sala-2", "bia")  # bia has been here before
    first = post(session, settings, "ana", at=1000).message.id
    report(session, "ta", "ana", first)
    assert receipts.seen_marks(session, username="ana", rooms=ROOMS)["sala-1"] == 0
    seen = receipts.who_saw(
        session, room="sala-1", username="ana", number=first, shown=5
    )
    assert seen.readers == [] and seen.more == 0
    enter(session, "tb", "bia")
    shown = view(session, "sala-1", "bia", now=NOW + 5)  # arriving reads the room
    assert shown.read is not None and shown.read.last_seq == first
    seen = receipts.who_saw(
        session, room="sala-1", username="ana", number=first, shown=5
    )
    assert seen.readers == [Reader("bia", int((NOW + 5) * 1000))]
    assert view(session, "sala-1", "ana").seen["sala-1"] == first


def test_only_the_author_asks_who_saw_a_message_of_the_room(session, settings):
    number = post(session, settings, "ana").message.id
    with pytest.raises(ChatError, match="Only its author"):
        receipts.who_saw(session, room="sala-1", username="bia", number=number, shown=5)
    with pytest.raises(MessageNotFoundError):
        receipts.who_saw(session, room="sala-2", username="ana", number=number, shown=5)
    with pytest.raises(MessageNotFoundError):
        receipts.who_saw(session, room="sala-1", username="ana", number=99, shown=5)
    enter(session, "ta", "ana")
    actions.remove(
        session,
        tab="ta",
        username="ana",
        number=number,
        clock=lambda: NOW,
        settings=settings,
    )
    with pytest.raises(ChatError, match="deleted"):
        receipts.who_saw(session, room="sala-1", username="ana", number=number, shown=5)


def test_a_new_user_starts_with_marks_but_no_stretch(session, settings):
    post(session, settings, "ana")
    view(session, "sala-2", "novo")
    assert spans(session, "novo") == []
    assert receipts.seen_marks(session, username="ana", rooms=ROOMS)["sala-1"] == 0


def test_a_tab_swept_away_read_the_room_but_saw_nothing(session, settings):
    enter(session, "tb", "bia")
    view(session, "sala-1", "bia")
    post(session, settings, "ana")
    liveness.sweep(session, now=NOW + 60, stale_after=7, typing_ttl=6)
    session.commit()
    _, marks = read_marks.read_state(session, username="bia", configured=ROOMS)
    assert marks["sala-1"] == 1  # no unread count for it
    assert spans(session, "bia") == []
    assert receipts.seen_marks(session, username="ana", rooms=ROOMS)["sala-1"] == 0


def test_one_flush_of_many_reads_writes_one_stretch_per_reader(session, settings):
    settings = unlimited(settings)
    for name in ("bia", "caio"):
        view(session, "sala-1", name)
    for at in range(3):
        post(session, settings, "ana", at=at)
    advances = read_marks.mark_reads(
        session,
        reads=[
            read_marks.Read("bia", "sala-1", 1),
            read_marks.Read("bia", "sala-1", 3),  # another tab of hers, further
            read_marks.Read("caio", "sala-1", 99),
            read_marks.Read("caio", "sala-1", 2),  # behind: nothing
        ],
        now=NOW,
    )
    session.commit()
    assert [(a.username, a.first_seq, a.last_seq) for a in advances] == [
        ("bia", 1, 1),
        ("bia", 2, 3),
        ("caio", 1, 3),
    ]
    assert spans(session, "bia") == [(1, 3, int(NOW * 1000))]
    assert spans(session, "caio") == [(1, 3, int(NOW * 1000))]
