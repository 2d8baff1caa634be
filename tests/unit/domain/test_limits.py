from chat_app.domain.limits import (
    LoginLimits,
    growing_delay,
    login_wait,
    seconds_to_wait,
)

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


def delay(failures, now):
    return growing_delay(
        failures, now=now, free=3, first_delay=1, max_delay=60, window=WINDOW
    )


def test_a_growing_delay_is_free_until_the_free_failures_are_used():
    assert delay([100, 101], now=101) == 0


def test_each_failure_beyond_the_free_ones_doubles_the_wait_after_the_latest():
    assert delay([100, 101, 102], now=102) == 1
    assert delay([100, 101, 102, 103], now=103) == 2
    assert delay([100, 101, 102, 103, 104], now=104) == 4
    assert delay([100, 101, 102, 103, 104], now=106) == 2
    assert delay([100, 101, 102, 103, 104], now=108) == 0


def test_a_growing_delay_stops_at_its_maximum_and_ends_with_the_window():
    failures = [100 + second for second in range(500)]
    assert delay(failures, now=599) == 60
    assert delay(failures, now=599 + WINDOW) == 0


LIMITS = LoginLimits(
    per_account_and_address=5,
    per_address=100,
    account_free=10,
    account_first_delay=1,
    account_max_delay=60,
    window=WINDOW,
)


def test_five_failures_of_an_account_from_one_address_block_that_pair():
    pair = [100, 101, 102, 103, 104]
    assert login_wait(pair=pair, account=pair, address=pair, now=105, limits=LIMITS)
    assert not login_wait(pair=[], account=pair, address=pair, now=105, limits=LIMITS)


def test_an_address_is_blocked_only_at_its_own_much_higher_limit():
    address = [100.0 + n for n in range(99)]
    assert not login_wait(pair=[], account=[], address=address, now=200, limits=LIMITS)
    address.append(199)
    assert login_wait(pair=[], account=[], address=address, now=200, limits=LIMITS)


def test_an_accounts_delay_holds_back_only_addresses_that_failed_on_it():
    account = [100.0 + n for n in range(20)]
    wait = login_wait(
        pair=[119], account=account, address=[119], now=120, limits=LIMITS
    )
    assert wait == 59  # the longest delay, counted from the latest failure
    assert not login_wait(pair=[], account=account, address=[], now=120, limits=LIMITS)
