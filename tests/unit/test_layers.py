"""The layout's rules, read from the code's own imports.

Each test names a rule of ``docs/architecture.md``; a new import that breaks one
fails here with the module and the import.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imports_of(folder: str) -> list[tuple[str, str]]:
    """Every module imported by the Python files under a folder of the project.

    Returns:
        (file relative to the project, imported module) pairs.
    """
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            else:
                continue
            found += [(str(path.relative_to(ROOT)), name) for name in names]
    return found


def offending(folder: str, *prefixes: str) -> list[tuple[str, str]]:
    return [
        (file, name)
        for file, name in imports_of(folder)
        if any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)
    ]


def test_only_the_realtime_package_reaches_into_reflex_internals():
    internals = [
        (file, name)
        for file, name in offending("chat_app", "reflex_base", "reflex")
        if name != "reflex" and not file.startswith("chat_app/realtime/")
    ]
    assert internals == []


def test_domain_rules_import_nothing_but_the_domain_and_the_standard_library():
    outside = [
        (file, name)
        for file, name in imports_of("chat_app/domain")
        if name.split(".")[0] in {"chat_app", "reflex", "reflex_base", "sqlmodel"}
        and not name.startswith("chat_app.domain")
    ]
    assert outside == []


def test_services_never_import_reflex_the_states_or_the_realtime_layer():
    for folder in ("chat_app/rooms", "chat_app/uploads"):
        forbidden = ("reflex", "reflex_base", "chat_app.states", "chat_app.realtime")
        assert offending(folder, *forbidden) == []
    services = ("chat_app/accounts.py", "chat_app/sessions.py", "chat_app/attempts.py")
    upper = ("reflex", "chat_app.states", "chat_app.realtime", "chat_app.api")
    for module in services:
        imported = [name for file, name in imports_of("chat_app") if file == module]
        assert not [name for name in imported if name.startswith(upper)]


def test_the_http_api_never_imports_reflex_the_states_or_the_realtime_layer():
    forbidden = ("reflex", "reflex_base", "chat_app.states", "chat_app.realtime")
    assert offending("chat_app/api", *forbidden) == []


def test_the_app_uses_absolute_imports_only():
    relative = []
    for path in sorted((ROOT / "chat_app").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        relative += [
            str(path.relative_to(ROOT))
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level
        ]
    assert relative == []


def test_upkeep_and_the_realtime_layer_never_import_the_states():
    upkeep = [
        name for file, name in imports_of("chat_app") if file.endswith("upkeep.py")
    ]
    assert not [name for name in upkeep if name.startswith("chat_app.states")]
    assert offending("chat_app/realtime", "chat_app.states") == []


def test_bench_and_harness_never_import_the_tests():
    assert offending("bench", "tests") == []
    assert offending("harness", "tests", "bench") == []


def test_no_module_of_the_app_grows_past_about_four_hundred_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in (ROOT / "chat_app").rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > 420
    }
    assert long == {}
