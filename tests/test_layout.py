"""The folder tree is the map: imports point one way, as minimt/__init__.py declares.

Reads COURSE, HELPERS, ROOMS and PATH_MAY_USE from minimt/__init__.py and every import of every
module of the package (top-level and inside functions; not inside ``if __name__ ==
"__main__":``, where a runnable module hands over to its command), then fails on
- an import cycle between modules;
- a teaching module importing a later one, or any room (but runtime's device, seeding,
  progress and distributed modules);
- a room importing a room it is not allowed to (commands: anything; nothing imports commands).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import minimt

PACKAGE = Path(minimt.__file__).parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_main_guard(node: ast.AST) -> bool:
    return (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
            and isinstance(node.test.left, ast.Name) and node.test.left.id == "__name__")


def imports_of(path: Path) -> set[str]:
    """Every minimt module ``path`` imports (``from . import x`` resolved to minimt.….x where x is a module)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if _is_main_guard(child):
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.startswith("minimt"))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[:len(base) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                if not target.startswith("minimt"):
                    continue
                for alias in child.names:  # `from .runtime import distributed` imports a module
                    sub = f"{target}.{alias.name}"
                    found.add(sub if _exists(sub) else target)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(name)
    return found


def _exists(module: str) -> bool:
    rel = Path(*module.split(".")[1:])
    return (PACKAGE / rel).with_suffix(".py").is_file() or (PACKAGE / rel / "__init__.py").is_file()


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {m: imports_of(p) for m, p in MODULES.items()}


def room_of(module: str) -> str:
    """'path' for a teaching module, 'helper', 'root' for minimt itself, else the room's name."""
    short = module.removeprefix("minimt").lstrip(".")
    if short == "":
        return "root"
    if short in minimt.COURSE:
        return "path"
    if short in minimt.HELPERS:
        return "helper"
    if short == "runtime.fast":
        return "runtime.fast"
    return short.split(".")[0]


def test_every_module_belongs_somewhere():
    for m in MODULES:
        room = room_of(m)
        assert room in ("path", "helper", "root", "__main__") or room in minimt.ROOMS, \
            f"{m}: not in minimt.COURSE, HELPERS or ROOMS — add it to the map in minimt/__init__.py"


def test_no_import_cycles():
    state: dict[str, int] = {}

    def dfs(m, stack):
        state[m] = 1
        for n in GRAPH.get(m, ()):
            if n not in GRAPH:
                continue
            if state.get(n) == 1:
                pytest.fail("import cycle: " + " -> ".join(stack[stack.index(n):] + [n]))
            if n not in state:
                dfs(n, stack + [n])
        state[m] = 2

    for m in GRAPH:
        if m not in state:
            dfs(m, [m])


def test_teaching_path_imports_only_earlier_modules():
    order = {f"minimt.{m}": i for i, m in enumerate(minimt.COURSE)}
    allowed_runtime = {f"minimt.{m}" for m in minimt.PATH_MAY_USE} | {"minimt.runtime"}
    for m, targets in GRAPH.items():
        if m not in order:
            continue
        for t in targets:
            room = room_of(t)
            if room in ("helper", "root"):
                continue
            if room == "path":
                assert order[t] < order[m], f"{m} imports {t}, which comes later in minimt.COURSE"
            else:
                assert t in allowed_runtime, f"{m} (teaching path) imports {t} — a room it must not use"


def test_rooms_import_only_what_the_map_allows():
    for m, targets in GRAPH.items():
        room = room_of(m)
        if room not in minimt.ROOMS:
            continue
        allowed = set(minimt.ROOMS[room]) | {room, "helper", "root"}
        if room == "runtime.fast":
            allowed.add("runtime")
        for t in targets:
            target_room = room_of(t)
            if target_room == "runtime.fast" and "runtime" in allowed and room != "runtime":
                continue
            if target_room == "path" and "path" not in allowed:
                short = t.removeprefix("minimt.")
                assert short in allowed, f"{m} ({room}) imports the teaching module {t}, not allowed by minimt.ROOMS"
                continue
            assert target_room in allowed, f"{m} ({room}) imports {t} ({target_room}), not allowed by minimt.ROOMS"


def test_nothing_imports_the_command_line():
    for m, targets in GRAPH.items():
        if room_of(m) in ("commands", "__main__") or m == "minimt.exercises.cli":
            continue
        bad = [t for t in targets if room_of(t) == "commands"]
        assert not bad, f"{m} imports {bad}: only the command line itself may"


def test_the_checker_sees_imports():
    """The test must be able to fail: it finds train.py's real imports, and the inspect command's."""
    assert "minimt.loss" in GRAPH["minimt.train"] and "minimt.runtime.distributed" in GRAPH["minimt.train"]
    assert "minimt.commands.train" not in GRAPH["minimt.train"]  # only inside the __main__ guard
    assert {"minimt.batch", "minimt.plots"} <= GRAPH["minimt.commands.inspect"]
