from chat_app.domain.limits import seconds_to_wait

WINDOW = 900


def test_attempts_are_free_below_the_limit():
    assert seconds_to_wait([100, 200, 300, 400], now=500, limit=5, window=WINDOW) == 0


def test_the_fifth_failure_blocks_until_the_oldest_leaves_the_window():
    failures = [100, 200, 300, 400, 500]
    assert seconds_to_wait(failures, now=500, limit=5, window=WINDOW) == 500
    assert seconds_to_wait(failures, now=999, limit=5, window=WINDOW) == 1
    assert seconds_to_wait(failures, now=1000, limit=5, window=WINDOW) == 0


def test_failures_outside_the_window_do_not_count():
    failures = [0, 1, 2, 3, 1000]
    assert seconds_to_wait(failures, now=1000, limit=5, window=WINDOW) == 0


def test_more_failures_than_the_limit_wait_for_enough_of_them_to_expire():
    # Only four may remain in the window: 100 and 200 must both leave it.
    failures = [100, 200, 300, 400, 500, 600]
    assert seconds_to_wait(failures, now=600, limit=5, window=WINDOW) == 500


def test_the_wait_is_never_reported_as_zero_while_blocked():
    failures = [100.2, 200, 300, 400, 500]
    assert seconds_to_wait(failures, now=1000.1, limit=5, window=WINDOW) == 1
