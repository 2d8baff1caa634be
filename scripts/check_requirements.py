"""Check that every test cited in docs/requirements.md exists.

A citation is a backticked test path, ``tests/<...>.py``, optionally followed by
``::name`` (a test function or method, possibly with a ``[param]`` suffix, which is
ignored). The file must exist and, when a name is given, define ``def name`` or
``async def name`` at any depth (classes included).

Run it from the repository's root::

    python scripts/check_requirements.py

It prints each missing citation and exits with 1 if any is missing; otherwise it
prints how many citations it checked and exits with 0.
"""

import ast
import re
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "docs" / "requirements.md"

# `tests/some/file.py` or `tests/some/file.py::name` or `...::Class::name[param]`.
CITATION = re.compile(
    r"`(?P<path>tests/[\w./-]+\.py)"
    r"(?:::(?P<names>[A-Za-z_]\w*(?:::[A-Za-z_]\w*)*)(?:\[[^\]`]*\])?)?`"
)


def citations(text: str) -> list[tuple[str, str | None]]:
    """Find the test citations in a Markdown text.

    Args:
        text: The Markdown.

    Returns:
        ``(path, name)`` pairs in order of appearance, without repeats; ``name`` is
        the last part after ``::`` without its ``[param]`` suffix, or None when a
        whole file is cited.
    """
    found: dict[tuple[str, str | None], None] = {}
    for match in CITATION.finditer(text):
        names = match.group("names")
        name = names.split("::")[-1] if names else None
        found[(match.group("path"), name)] = None
    return list(found)


@cache
def defined_functions(path: Path) -> frozenset[str]:
    """Collect the names of the functions a Python file defines.

    Args:
        path: The file.

    Returns:
        Every ``def`` and ``async def`` name, at module level, in classes or
        nested.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return frozenset(
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    )


def missing(path: str, name: str | None) -> str | None:
    """Say why one citation does not resolve.

    Args:
        path: The test file, relative to the repository's root.
        name: The test's name, or None for the whole file.

    Returns:
        The reason, or None when the citation resolves.
    """
    file = ROOT / path
    if not file.is_file():
        return "no such file"
    if name is not None and name not in defined_functions(file):
        return f"no function {name} in the file"
    return None


def main() -> int:
    """Check every citation in docs/requirements.md.

    Returns:
        The exit status: 1 if a citation is missing, else 0.
    """
    cited = citations(REQUIREMENTS.read_text(encoding="utf-8"))
    problems = 0
    for path, name in cited:
        reason = missing(path, name)
        if reason is not None:
            problems += 1
            shown = f"{path}::{name}" if name else path
            print(f"missing: {shown} ({reason})")
    if problems:
        print(f"{problems} of {len(cited)} test citations missing")
        return 1
    print(f"{len(cited)} test citations checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
