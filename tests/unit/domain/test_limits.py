from chat_app.domain.limits import (
    LoginLimits,
    LoginWait,
    account_delay,
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


def delay(failures):
    return account_delay(failures, free=3, first_delay=1, max_delay=60)


def test_an_accounts_attempts_need_no_spacing_until_the_free_failures_are_used():
    assert delay(0) == delay(2) == 0


def test_each_failure_beyond_the_free_ones_doubles_the_spacing_up_to_the_maximum():
    assert [delay(failures) for failures in range(3, 11)] == [
        1,
        2,
        4,
        8,
        16,
        32,
        60,
        60,
    ]
    assert delay(10_000) == 60


LIMITS = LoginLimits(
    per_account_and_address=5,
    per_address=100,
    account_free=10,
    account_first_delay=1,
    account_max_delay=60,
    window=WINDOW,
)


def wait(*, pair=(), account=(), address=(), known=False, turn=None, turns=(), now):
    return login_wait(
        pair=pair,
        account=account,
        address=address,
        known=known,
        turn=turn,
        turns=turns,
        now=now,
        limits=LIMITS,
    )


def test_five_failures_of_an_account_from_one_address_block_that_pair():
    pair = [100, 101, 102, 103, 104]
    assert wait(pair=pair, account=pair, address=pair, now=105) == LoginWait(895)
    assert wait(pair=pair, known=True, now=105) == LoginWait(895)
    assert wait(account=pair, address=pair, now=105) == LoginWait(0)


def test_an_address_is_blocked_only_at_its_own_much_higher_limit():
    address = [100.0 + n for n in range(99)]
    assert wait(address=address, now=200) == LoginWait(0)
    address.append(199)
    assert wait(address=address, known=True, now=200).seconds == 800


GUESSED = [100.0 + n for n in range(10)]


def test_a_guessed_account_gives_an_address_a_turn_before_its_first_failure():
    assert wait(account=GUESSED, now=109) == LoginWait(1, turn=110)
    # Spaced after the latest turn given, and counting it as a failure to come.
    assert wait(account=GUESSED, turns=[110], now=109) == LoginWait(3, turn=112)
    assert wait(account=GUESSED, now=200) == LoginWait(0)


def test_an_address_the_account_is_known_at_takes_no_turn():
    account = [100.0 + n for n in range(40)]
    assert wait(account=account, known=True, turns=[150, 210], now=140) == LoginWait(0)


def test_an_address_given_a_turn_takes_it_whatever_failed_since():
    # Failures after the turn was given, from elsewhere, do not move it.
    account = [*GUESSED, 110.5, 111.5]
    assert wait(account=account, turn=113, turns=[113], now=112) == LoginWait(1)
    assert wait(account=account, turn=113, turns=[113], now=113) == LoginWait(0)
    # A turn its own limit would not let it take is given when it could.
    pair = [110.0, 110.1, 110.2, 110.3, 110.4]
    assert wait(pair=pair, account=[*GUESSED, *pair], now=111) == LoginWait(
        899, turn=1010
    )


def test_a_growing_delay_is_forgotten_with_the_window():
    account = [100.0 + n for n in range(500)]
    assert wait(account=account, now=599).turn == 659
    assert wait(account=account, now=599 + WINDOW) == LoginWait(0)
