"""The package's layout holds as drawn (STYLE §5): one wing per pipeline stage, imports running down.

Each wing may import only the wings listed for it; a new module lands in a wing and inherits its
rules. The clock is read at the command-line edge only, so every stage below it is a pure function of
the files and ``now``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "statusgen"
GROUND = frozenset({"statusgen", "errors", "clock", "timeparse", "themedirs", "locales", "workers"})
"""Modules every wing may use: the package itself (its version), errors, time parsing, theme and
catalogue folders."""
ENTRY = frozenset({"build", "validate"})
ALLOWED: dict[str, frozenset[str]] = {
    "ground": frozenset({"ground"}),
    "model": frozenset({"ground", "model"}),
    "load": frozenset({"ground", "model", "load"}),
    "compute": frozenset({"model", "compute"}),
    "view": frozenset({"ground", "model", "compute", "view"}),
    # A site is rendered into an OutputTree, which write/ owns and commits; render never writes a file.
    "render": frozenset({"ground", "model", "compute", "view", "write", "render"}),
    "write": frozenset({"ground", "write"}),
    "author": frozenset({"ground", "model", "load", "write", "author"}),
    "monitor": frozenset({"ground", "model", "load", "write", "author", "monitor"}),
    "serve": frozenset({"ground", "model", "load", "compute", "view", "render", "serve"}),
    # Messages are made from the view (as pages are) and the ledger is appended through write/.
    "notify": frozenset({"ground", "model", "load", "compute", "view", "render", "write", "notify"}),
    "entry": frozenset({"ground", "model", "load", "compute", "view", "render", "write", "entry"}),
}
ALLOWED["cli"] = frozenset(ALLOWED) | {"cli"}
FORBIDDEN_MODULES = {"render": {"statusgen.load", "statusgen.model.repository"}}
"""Finer than wings: renderers see the view, never the loaded repository."""
CLOCK_READERS = {"datetime.now", "datetime.utcnow", "datetime.today", "date.today", "time.time"}
CLOCK_OWNERS = {"statusgen/cli.py", "statusgen/clock.py"}


def wing_of(module: str) -> str:
    """``statusgen.view.bars`` → ``view``; the modules at the top are ground, entry or cli."""
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "statusgen"
    if top in GROUND:
        return "ground"
    if top in ENTRY:
        return "entry"
    if top in {"cli", "__main__"}:
        return "cli"
    return top


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        yield ".".join(parts), path


def imports(path: Path, module: str) -> Iterator[tuple[int, str]]:
    """Every statusgen module ``path`` imports, with its line (relative imports resolved)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            yield node.lineno, base


def test_every_wing_imports_only_the_wings_below_it() -> None:
    wrong = []
    for module, path in modules():
        wing = wing_of(module)
        assert wing in ALLOWED, f"{module} is in no wing; add it to one (STYLE §5)"
        for line, target in imports(path, module):
            if not target.startswith("statusgen"):
                continue
            target_wing = wing_of(target)
            forbidden = FORBIDDEN_MODULES.get(wing, set())
            if target_wing not in ALLOWED[wing] or any(target.startswith(f) for f in forbidden):
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {wing} imports {target}")
    assert wrong == []


def clock_reads(path: Path) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            name = f"{node.value.id}.{node.attr}"
            if name in CLOCK_READERS:
                yield node.lineno, name
        elif isinstance(node, ast.Name) and node.id in {"resolve_now", "wall_clock", "read_clock"}:
            yield node.lineno, node.id


def test_only_the_command_line_reads_the_clock() -> None:
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {name}"
        for _, path in modules()
        if path.relative_to(PACKAGE.parent).as_posix() not in CLOCK_OWNERS
        for line, name in clock_reads(path)
    ]
    assert found == []


@pytest.mark.parametrize(
    ("module", "wing"),
    [("statusgen.view.bars", "view"), ("statusgen.clock", "ground"), ("statusgen.build", "entry")],
)
def test_wing_of(module: str, wing: str) -> None:
    assert wing_of(module) == wing
