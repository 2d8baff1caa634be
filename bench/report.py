"""Render docs/benchmarks.json as the Markdown table of docs/benchmarks.md.

Run ``python -m bench.report`` after ``make bench``.
"""

import json
import sys
from pathlib import Path

from bench.targets import (
    BYTES_PER_RECIPIENT,
    FANOUT_P99_RATIO,
    KB_PER_IDLE_MEMBER,
    STORM_P99_GROWTH,
    TYPING_UPDATES,
    UPLOAD_GROWTH_MB,
    bytes_pass,
    fanout_pass,
    growth_pass,
    p99_ratio,
    verdict,
)

DEFAULT = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.json"


def capacity_table(capacity: dict) -> list[str]:
    """The capacity table: every step of every server, then the overload row.

    Args:
        capacity: The ``capacity`` part of benchmarks.json.

    Returns:
        Markdown lines.
    """
    lines = [
        f"Capacity: members over {capacity.get('rooms', 10)} rooms, each typing "
        f"then sending a message every {capacity.get('mean_interval_s', 30)} s on "
        f"average, {capacity.get('step_seconds', 60)} s per step; a step passes "
        "with p99 at most 1 s, nothing lost, nobody disconnected.",
        "",
        "| server | members | p50 ms | p99 ms | max ms | deliveries | lost "
        "| disconnected | typing updates per member-minute | server CPU (cores) "
        "| RSS KB per member | passes |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    rows = [
        *capacity.get("chat", []),
        *capacity.get("baseline", []),
        *capacity.get("chat_workers", []),
    ]
    if overload := capacity.get("overload"):
        rows.append(overload)
    for row in rows:
        cells = [
            row["server"],
            row["members"],
            row["p50_ms"],
            row["p99_ms"],
            row["max_ms"],
            row["deliveries"],
            row["lost"],
            row["disconnected"],
            row.get("typing_updates_per_member_minute", "—"),
            row.get("cpu_cores"),
            row.get("rss_kb_per_member", "—"),
            "yes" if row["passed"] else "no",
        ]
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    if overload:
        lines.append("")
        lines.append(
            f"Overload: {overload['members']} members; peak RSS "
            f"{overload.get('peak_rss_mb')} MB; tabs whose live window shows a gap "
            f"or a double: {overload.get('window_gaps', '—')}."
        )
    return lines


def payload_label(row: dict) -> str:
    """What a payload row measured, in words.

    Args:
        row: A ``payload`` row (rows written before edits and reactions were
            measured are of new messages).

    Returns:
        The label.
    """
    length = row.get("text_length", 30)
    what = {
        "message": f"a {length}-character message",
        "edit": f"an edit of a message (to {length} characters)",
        "reaction": f"a reaction to a {length}-character message",
        "receipt": f"a read receipt (to the author of a {length}-character message)",
    }[row.get("action", "message")]
    room = f", {row['members']} members" if "members" in row else ""
    return f"bytes per recipient of {what}, {row['history']} messages of history{room}"


def fanout_lines(rows: list[dict]) -> list[str]:
    """The fan-out table: one row per size, workers and action.

    Args:
        rows: The ``fanout`` part of benchmarks.json.

    Returns:
        Markdown lines.
    """
    lines = [
        f"Fan-out: the time until every other member has a new message, an edit "
        f"of it or a reaction to it; a row passes with nothing lost and p99 at "
        f"most {FANOUT_P99_RATIO}x the raw socket.io server's, which relays "
        "messages to a room of the same size (an edit or a reaction would cost it "
        "the same: one payload to the room).",
        "",
        "| fan-out | workers | app p50 | app p99 | app max | lost "
        "| baseline p50 | baseline p99 | baseline max | lost | p99 ratio | passes |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        app, base = row["app"], row.get("baseline")
        cells = [
            f"{row['members']} members, {row.get('action', 'message')}",
            str(row["workers"]),
            *(str(app[k]) for k in ("p50_ms", "p99_ms", "max_ms", "lost")),
        ]
        if base:
            ratio = p99_ratio(row)
            cells += [str(base[k]) for k in ("p50_ms", "p99_ms", "max_ms", "lost")]
            cells.append("—" if ratio is None else f"{ratio:.1f}x")
        else:
            cells += ["—"] * 5
        cells.append(verdict(fanout_pass(row)))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def table(results: dict) -> str:
    """The Markdown tables for one run.

    Args:
        results: The content of benchmarks.json.

    Returns:
        Markdown text.
    """
    lines = [
        f"Command: `{results.get('command', 'python -m bench')}` "
        f"({results.get('seconds', '?')} s).",
        "",
    ]
    if capacity := results.get("capacity"):
        lines += [*capacity_table(capacity), ""]
    if fanout := results.get("fanout"):
        lines += [*fanout_lines(fanout), ""]
    growth = f"at most +{round(STORM_P99_GROWTH * 100)} %"
    measures: list[tuple[str, str, str, bool]] = []
    for row in results.get("payload", []):
        measures.append(
            (
                payload_label(row),
                str(row["bytes_per_recipient"]),
                f"at most {BYTES_PER_RECIPIENT}",
                bytes_pass(row),
            )
        )
    if memory := results.get("memory"):
        measures.append(
            (
                f"backend memory per idle member, {memory['members']} members",
                f"{memory['kb_per_member']} KB",
                f"at most {KB_PER_IDLE_MEMBER} KB",
                memory["kb_per_member"] <= KB_PER_IDLE_MEMBER,
            )
        )
    if storm := results.get("login_storm"):
        quiet, during = storm["p99_ms_quiet"], storm["p99_ms_storm"]
        measures.append(
            (
                f"fan-out p99, 100 members, quiet / during {storm.get('logins', 20)} "
                f"logins and {storm.get('registrations', 0)} registrations at "
                f"bcrypt cost {storm.get('bcrypt_rounds', 12)}",
                f"{quiet} / {during} ms",
                growth,
                growth_pass(quiet, during),
            )
        )
    if typing := results.get("typing_storm"):
        quiet, during = typing["p99_ms_quiet"], typing["p99_ms_typing"]
        updates = typing["typing_updates_per_recipient"]
        measures.append(
            (
                "fan-out p99, 100 members, quiet / while one member toggles typing "
                f"{typing['toggles']} times",
                f"{quiet} / {during} ms",
                growth,
                growth_pass(quiet, during),
            )
        )
        measures.append(
            (
                f"typing updates (bytes) per recipient for {typing['toggles']} toggles",
                f"{updates} ({typing['typing_bytes_per_recipient']})",
                f"at most {TYPING_UPDATES}",
                updates <= TYPING_UPDATES,
            )
        )
    if upload := results.get("upload"):
        quiet, during = upload["p99_ms_quiet"], upload["p99_ms_upload"]
        measures.append(
            (
                f"backend memory growth during a {upload['size_mb']} MB upload",
                f"{upload['rss_growth_mb']} MB",
                f"at most {UPLOAD_GROWTH_MB} MB",
                upload["rss_growth_mb"] <= UPLOAD_GROWTH_MB,
            )
        )
        measures.append(
            (
                "fan-out p99, 100 members, quiet / during the upload",
                f"{quiet} / {during} ms",
                growth,
                growth_pass(quiet, during),
            )
        )
    if measures:
        lines += ["| measure | value | target | passes |", "|---|---|---|---|"]
        lines += [
            f"| {what} | {value} | {target} | {verdict(passed)} |"
            for what, value, target, passed in measures
        ]
    return "\n".join(lines).rstrip()


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    print(table(json.loads(path.read_text())))
