"""The targets the benchmark's figures are checked against, and the checks.

One place for the numbers, so the printed lines, the report's "passes" columns
and the docs say the same. (The capacity step's limit is ``capacity.P99_LIMIT_MS``.)
"""

from collections.abc import Sequence
from typing import Any

# What one recipient receives for one new message, edit or reaction.
BYTES_PER_RECIPIENT = 2048
# Fan-out p99 of the chat against the raw socket.io server's, at every room size.
FANOUT_P99_RATIO = 1.5
# Backend memory per connected idle member.
KB_PER_IDLE_MEMBER = 100
# Fan-out p99 during a storm (logins, typing, an upload) against a quiet room.
STORM_P99_GROWTH = 0.2
# Typing updates one recipient receives while someone toggles their draft 300 times.
TYPING_UPDATES = 20
# Backend memory growth during a 200 MB upload.
UPLOAD_GROWTH_MB = 30
# Search over 1,000,000 messages on SQLite, through the chat: p95.
SEARCH_P95_MS = 100.0


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile.

    Args:
        values: The samples.
        share: 0.5 for the median, 0.99 for p99.

    Returns:
        The value, or 0 for no samples.
    """
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def verdict(passed: bool | None) -> str:
    """How a check reads in a table.

    Args:
        passed: The check's result; None when there is nothing to compare with.

    Returns:
        ``yes``, ``no`` or ``—``.
    """
    return "—" if passed is None else "yes" if passed else "no"


def bytes_pass(row: dict[str, Any]) -> bool:
    """Whether a payload row is within its target.

    Args:
        row: A ``payload`` row of benchmarks.json.

    Returns:
        True if one recipient received at most :data:`BYTES_PER_RECIPIENT` bytes.
    """
    return row["bytes_per_recipient"] <= BYTES_PER_RECIPIENT


def p99_ratio(row: dict[str, Any]) -> float | None:
    """The chat's fan-out p99 over the raw socket.io server's, in one row.

    Args:
        row: A ``fanout`` row of benchmarks.json.

    Returns:
        The ratio; None for a row without a baseline (or a baseline of 0 ms).
    """
    base = row.get("baseline")
    if not base or not base["p99_ms"]:
        return None
    return row["app"]["p99_ms"] / base["p99_ms"]


def fanout_pass(row: dict[str, Any]) -> bool | None:
    """Whether a fan-out row is within its target.

    Args:
        row: A ``fanout`` row of benchmarks.json.

    Returns:
        True if nothing was lost and p99 is at most :data:`FANOUT_P99_RATIO` times
        the baseline's; None for a row without a baseline.
    """
    ratio = p99_ratio(row)
    if ratio is None:
        return None
    return row["app"]["lost"] == 0 and ratio <= FANOUT_P99_RATIO


def growth_pass(quiet: float, during: float) -> bool:
    """Whether fan-out p99 during a storm stays within its target.

    Args:
        quiet: p99 in a quiet room (ms).
        during: p99 during the storm (ms).

    Returns:
        True if it grew by at most :data:`STORM_P99_GROWTH`.
    """
    return during <= quiet * (1 + STORM_P99_GROWTH)
