from chat_app.domain.typing import is_typing, must_report


def test_only_written_text_counts_as_typing():
    assert is_typing("o")
    assert not is_typing("")
    assert not is_typing("  \n\t")


def report(typing, reported, reported_at, now=10.0, refresh=2.0, shedding=False):
    return must_report(
        typing=typing,
        reported=reported,
        reported_at=reported_at,
        now=now,
        refresh=refresh,
        shedding=shedding,
    )


def test_the_room_hears_of_starting_and_stopping_once():
    assert report(True, reported=False, reported_at=0)
    assert report(False, reported=True, reported_at=9.9)
    assert not report(False, reported=False, reported_at=0)


def test_typing_that_goes_on_is_refreshed_every_refresh_seconds():
    assert not report(True, reported=True, reported_at=8.5)
    assert report(True, reported=True, reported_at=8.0)


def test_a_busy_server_reports_no_new_typing_but_still_ends_it():
    assert not report(True, reported=False, reported_at=0, shedding=True)
    assert not report(True, reported=True, reported_at=0, shedding=True)
    assert report(False, reported=True, reported_at=9.9, shedding=True)
