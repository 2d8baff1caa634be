"""Render docs/benchmarks.json as the Markdown table of docs/benchmarks.md.

Run ``python -m bench.report`` after ``make bench``.
"""

import json
import sys
from pathlib import Path

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
    lines += [
        "| fan-out | workers | app p50 | app p99 | app max | lost "
        "| baseline p50 | baseline p99 | baseline max | lost | p99 ratio |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in results.get("fanout", []):
        app, base = row["app"], row.get("baseline")
        cells = [
            f"{row['members']} members",
            str(row["workers"]),
            *(str(app[k]) for k in ("p50_ms", "p99_ms", "max_ms", "lost")),
        ]
        if base:
            ratio = app["p99_ms"] / base["p99_ms"] if base["p99_ms"] else 0
            cells += [str(base[k]) for k in ("p50_ms", "p99_ms", "max_ms", "lost")]
            cells.append(f"{ratio:.1f}x")
        else:
            cells += ["—"] * 5
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "| measure | value | target |", "|---|---|---|"]
    for row in results.get("payload", []):
        lines.append(
            f"| bytes per recipient of a {row.get('text_length', 30)}-character "
            f"message, {row['history']} messages of history "
            f"| {row['bytes_per_recipient']} | at most 2048 |"
        )
    if memory := results.get("memory"):
        lines.append(
            f"| backend memory per idle member, {memory['members']} members "
            f"| {memory['kb_per_member']} KB | at most 100 KB |"
        )
    if storm := results.get("login_storm"):
        lines.append(
            f"| fan-out p99, 100 members, quiet / during {storm.get('logins', 20)} "
            f"logins and {storm.get('registrations', 0)} registrations at bcrypt "
            f"cost {storm.get('bcrypt_rounds', 12)} "
            f"| {storm['p99_ms_quiet']} / {storm['p99_ms_storm']} ms "
            "| at most +20 % |"
        )
    if typing := results.get("typing_storm"):
        lines.append(
            f"| fan-out p99, 100 members, quiet / while one member toggles typing "
            f"{typing['toggles']} times "
            f"| {typing['p99_ms_quiet']} / {typing['p99_ms_typing']} ms "
            "| at most +20 % |"
        )
        lines.append(
            f"| typing updates (bytes) per recipient for {typing['toggles']} "
            f"toggles | {typing['typing_updates_per_recipient']} "
            f"({typing['typing_bytes_per_recipient']}) | at most 20 |"
        )
    if upload := results.get("upload"):
        lines.append(
            f"| backend memory growth during a {upload['size_mb']} MB upload "
            f"| {upload['rss_growth_mb']} MB | at most 30 MB |"
        )
        lines.append(
            "| fan-out p99, 100 members, quiet / during the upload "
            f"| {upload['p99_ms_quiet']} / {upload['p99_ms_upload']} ms "
            "| at most +20 % |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    print(table(json.loads(path.read_text())))
