"""Dependencies stay upgradable: no module of ours imports a private module or name of a
library (``litestar._openapi``), or a private name of another module of ours."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parent.parent / "src" / "pydotorg"


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _private_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported = [node.module]
            imported += [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            imported = [alias.name for alias in node.names]
        else:
            continue
        private = [name for name in imported if any(map(_private, name.split(".")))]
        found += [f"{path.relative_to(SRC)}:{node.lineno}: {name}" for name in private]
    return found


def test_nothing_imports_a_private_module_or_name() -> None:
    assert [hit for path in sorted(SRC.rglob("*.py")) for hit in _private_imports(path)] == []
