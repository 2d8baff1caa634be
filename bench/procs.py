"""Resident memory of a process tree, read from /proc."""

import os
from pathlib import Path


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def tree_pids(pid: int) -> list[int]:
    """A process and all its descendants.

    Args:
        pid: The root process.

    Returns:
        The process ids.
    """
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        queue.extend(_children(current))
    return pids


def rss_kb(pid: int) -> int:
    """Resident memory of one process in KiB (0 if it is gone).

    Args:
        pid: The process.

    Returns:
        VmRSS in KiB.
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process tree in KiB.

    Args:
        pid: The root process.

    Returns:
        The sum of VmRSS over the tree.
    """
    return sum(rss_kb(child) for child in tree_pids(pid))


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process tree has used so far, in seconds.

    Args:
        pid: The root process.

    Returns:
        The sum over the tree's live processes.
    """
    ticks = 0
    for child in tree_pids(pid):
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")
