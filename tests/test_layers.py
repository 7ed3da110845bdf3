"""The packages of ``src/pydotorg`` form layers, and every import goes down them.

From the bottom up:

1. ``core``: the shared kernel (the domain kit, the errors domains raise, access rules and
   rate-limit tiers, time and text helpers, feeds, workflows, the search declaration). It
   imports no other package of the project: no domain, not ``db``, not ``web``. It may read the
   configuration (``pydotorg.settings``) and the package's version (``pydotorg``). And it is
   shared: every module of it is used by at least two domains, directly or through another
   module of ``core`` (one used by a single domain belongs in that domain; one used by none,
   only by the app, belongs in ``web``).
2. ``db``: the database's engines and sessions, the request's database, declarative base, data
   versions and seeding. It imports ``core`` and no domain: what it needs of the domains (the
   list to seed) is passed in.
3. The domains (``accounts``, ``compat``, ``content``, ``downloads``, ``events``, ``jobs``,
   ``search``, ``sponsors``): each imports ``core``, ``db`` and possibly another domain
   (``compat`` adapts the others, most read ``accounts``), never in a cycle, and never ``web``.
4. ``web``: the HTTP serving layers the app assembles around the domains (the edge, CORS,
   caching, the response cache, errors, health, the OpenAPI document, the endpoints'
   configuration). It may import ``core``, ``db`` and the domains; nothing below imports it.
5. The composition root, the modules at the package's top (``app.py``, ``cli.py``,
   ``domains.py``, ``settings.py``): they are not layers of their own. A package that imports
   one imports what it imports, so ``import pydotorg.domains`` from a package counts as
   importing every domain (which it may not: the registry is passed in instead, as
   ``search.indexing.index_domains`` and ``db.seed.seed`` take it).
6. Alembic's scripts (``db/migrations``): loaded by path, imported by nothing; they sit on
   top, as their own node ``migrations``.

Every import counts: at module level, inside a function (a lazy import still makes the
dependency at run time) and under ``if TYPE_CHECKING:`` (a type is a dependency too: a core
that names a domain's type knows the domain). ``importlib`` calls with a name computed at run
time (``core.domain.Domain``) are not seen; the names they import are the domains' own, passed
in by each domain's ``DOMAIN = Domain(__name__, ...)``.

The test fails on an import from ``core`` into any other layer, from ``db`` into a domain or
``web``, from a domain into ``web``, on any cycle between the layers' packages, and on a module
of ``core`` that fewer than two domains use.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pydotorg

SOURCE = Path(pydotorg.__file__).parent
DOMAIN_PACKAGES = frozenset(
    {"accounts", "compat", "content", "downloads", "events", "jobs", "search", "sponsors"}
)
MIGRATIONS = "migrations"
WEB = "web"
MAY_NOT_IMPORT = {
    "core": DOMAIN_PACKAGES | {"db", WEB, MIGRATIONS},
    "db": DOMAIN_PACKAGES | {WEB, MIGRATIONS},
    **{domain: frozenset({WEB, MIGRATIONS}) for domain in DOMAIN_PACKAGES},
    WEB: frozenset({MIGRATIONS}),
}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(tree: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    """Every module ``tree`` imports, anywhere in it, by absolute name; ``from a import b``
    yields ``a`` and ``a.b`` (which is a module when ``b`` is one)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if not is_package:
                    base.pop()
                base = base[: len(base) - (node.level - 1)]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            yield source
            yield from (f"{source}.{alias.name}" for alias in node.names)


def import_graph(root: Path) -> dict[str, set[str]]:
    """The project's modules under ``root`` (``src/pydotorg``), each with the project's
    modules it imports (``pydotorg.*`` names that are modules of the tree)."""
    files = {module_name(path, root): path for path in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names = imported_modules(tree, module, path.name == "__init__.py")
        graph[module] = {name for name in names if name in files and name != module}
    return graph


def layer_of(module: str) -> str | None:
    """The package a module belongs to, ``migrations`` for Alembic's scripts, None for the
    modules at the top (``pydotorg``, ``pydotorg.app``, ...), which are not layers."""
    parts = module.split(".")
    if parts[1:3] == ["db", "migrations"]:
        return MIGRATIONS
    if len(parts) > 2 or (len(parts) == 2 and parts[1] in {"core", "db", WEB, *DOMAIN_PACKAGES}):
        return parts[1]
    return None


def layer_graph(graph: Mapping[str, Iterable[str]]) -> dict[str, dict[str, list[str]]]:
    """Each layer's imports of the other layers, with the imports that make each edge
    (``"pydotorg.core.x -> pydotorg.db.y"``); an import of a module at the top is followed
    through it to the layers it reaches."""
    edges: dict[str, dict[str, list[str]]] = {}
    for module, imported in graph.items():
        source = layer_of(module)
        if source is None:
            continue
        for target, via in _reached(graph, imported):
            if target != source:
                edges.setdefault(source, {}).setdefault(target, []).append(f"{module} -> {via}")
    return edges


def _reached(
    graph: Mapping[str, Iterable[str]], imported: Iterable[str]
) -> Iterator[tuple[str, str]]:
    """The layers ``imported`` reaches, each with the import that reaches it."""
    seen: set[str] = set()
    stack = [(name, name) for name in imported]
    while stack:
        name, via = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        layer = layer_of(name)
        if layer is not None:
            yield layer, via
        else:  # a module at the top: what it imports is imported through it
            stack.extend((inner, f"{via} -> {inner}") for inner in graph.get(name, ()))


def forbidden_imports(edges: Mapping[str, Mapping[str, list[str]]]) -> list[str]:
    return sorted(
        f"{source} may not import {target}: {imports[0]}"
        for source, banned in MAY_NOT_IMPORT.items()
        for target, imports in edges.get(source, {}).items()
        if target in banned
    )


def users_of_core(graph: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    """Each module of ``core`` with the domains that use it: those that import it, and those
    that use a module of ``core`` that imports it."""
    direct: dict[str, set[str]] = {m: set() for m in graph if layer_of(m) == "core"}
    importers: dict[str, set[str]] = {m: set() for m in direct}
    for module, imported in graph.items():
        layer = layer_of(module)
        for name in imported:
            if name not in direct:
                continue
            if layer in DOMAIN_PACKAGES:
                direct[name].add(layer)
            elif layer == "core":
                importers[name].add(module)
    users: dict[str, set[str]] = {}

    def used_by(module: str, seen: frozenset[str]) -> set[str]:
        if module not in users:
            found = set(direct[module])
            for importer in importers[module] - seen:
                found |= used_by(importer, seen | {module})
            if not seen:  # a module reached inside a cycle may not have seen all of it yet
                users[module] = found
            return found
        return users[module]

    for module in direct:
        used_by(module, frozenset())
    return users


def unshared_core_modules(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """The modules of ``core`` (but the package itself) fewer than two domains use."""
    return sorted(
        f"{module}: {', '.join(sorted(domains)) or 'no domain'}"
        for module, domains in users_of_core(graph).items()
        if module != "pydotorg.core" and len(domains) < 2
    )


def cycles(edges: Mapping[str, Mapping[str, list[str]]]) -> list[list[str]]:
    """Each cycle between layers, as the layers in order, found once (from its least name)."""
    found: list[list[str]] = []

    def walk(path: list[str]) -> None:
        for target in sorted(edges.get(path[-1], {})):
            if target == path[0]:
                found.append(path)
            elif target > path[0] and target not in path:
                walk([*path, target])

    for start in sorted(edges):
        walk([start])
    return found


def describe(cycle: list[str], edges: Mapping[str, Mapping[str, list[str]]]) -> str:
    steps = zip(cycle, [*cycle[1:], cycle[0]], strict=True)
    return " / ".join(f"{a} -> {b} ({edges[a][b][0]})" for a, b in steps)


# The real tree ------------------------------------------------------------------------------


def test_every_import_goes_down_the_layers() -> None:
    edges = layer_graph(import_graph(SOURCE))
    refused = forbidden_imports(edges)
    assert not refused, "imports against the layers:\n" + "\n".join(refused)


def test_no_import_cycle_between_layers() -> None:
    edges = layer_graph(import_graph(SOURCE))
    found = [describe(cycle, edges) for cycle in cycles(edges)]
    assert not found, f"{len(found)} import cycle(s) between layers, such as:\n" + "\n".join(
        found[:10]
    )


def test_the_walker_sees_the_tree() -> None:
    """Not vacuous: every layer is walked, and the imports that must be there are seen."""
    graph = import_graph(SOURCE)
    assert {layer_of(module) for module in graph} == {
        None,
        "core",
        "db",
        WEB,
        MIGRATIONS,
        *DOMAIN_PACKAGES,
    }
    edges = layer_graph(graph)
    assert "core" not in edges  # the bottom: it imports no other layer
    assert {"core"} <= set(edges["db"]) <= {"core"}
    assert {"core", "db", "downloads", "search"} <= set(edges["compat"])
    assert {"core", "db"} <= set(edges[WEB])
    assert not any(WEB in imported for imported in edges.values())  # the top but the root
    users = users_of_core(graph)
    assert users["pydotorg.core.resources"] >= {"downloads", "events", "compat"}
    assert users["pydotorg.core.views"] >= {"downloads", "events"}  # through core.queries


def test_every_core_module_is_shared_by_domains() -> None:
    unshared = unshared_core_modules(import_graph(SOURCE))
    assert not unshared, (
        "modules of core used by fewer than two domains (move each to its domain, or to web "
        "if only the app uses it):\n" + "\n".join(unshared)
    )


# The walker on a tree made for it: it does see what it must refuse --------------------------


def _tree(tmp_path: Path, files: Mapping[str, str]) -> Path:
    root = tmp_path / "pydotorg"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(text)
    return root


def test_a_lazy_or_type_only_import_of_a_domain_by_core_is_refused(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "core/kit.py": "def f():\n    from pydotorg.jobs import models\n",
            "core/types.py": "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from ..events.models import Event\n",
            "jobs/models.py": "from pydotorg.core import kit\n",
            "events/models.py": "",
        },
    )
    refused = forbidden_imports(layer_graph(import_graph(root)))
    assert [line.split(":")[0] for line in refused] == [
        "core may not import events",
        "core may not import jobs",
    ]


def test_an_import_through_the_composition_root_is_followed(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "domains.py": "from pydotorg import jobs, search\n",
            "db/seed.py": "from pydotorg.domains import DOMAINS\n",
            "jobs/models.py": "from pydotorg.db import seed\n",
            "search/indexing.py": "import pydotorg.domains\n",
        },
    )
    edges = layer_graph(import_graph(root))
    assert forbidden_imports(edges)[0].startswith("db may not import jobs:")
    assert cycles(edges) == [["db", "jobs"], ["db", "search", "jobs"]]


def test_a_tree_in_layers_passes(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "settings.py": "def f():\n    from pydotorg.core import kit\n",
            "core/kit.py": "from pydotorg.settings import f\n",
            "db/engine.py": "from pydotorg.core import kit\n",
            "jobs/models.py": "from pydotorg.db import engine\n",
            "db/migrations/env.py": "from pydotorg import domains\n",
            "domains.py": "from pydotorg import jobs\n",
        },
    )
    edges = layer_graph(import_graph(root))
    assert forbidden_imports(edges) == []
    assert cycles(edges) == []
    assert edges[MIGRATIONS].keys() == {"jobs"}


def test_a_core_module_one_domain_uses_is_refused(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "core/kit.py": "from pydotorg.core import rows\n",
            "core/rows.py": "",
            "core/lonely.py": "",
            "core/unused.py": "",
            "jobs/models.py": "from pydotorg.core import kit, lonely\n",
            "events/models.py": "from pydotorg.core.kit import f\n",
            "web/edge.py": "from pydotorg.core import unused\n",
        },
    )
    assert unshared_core_modules(import_graph(root)) == [
        "pydotorg.core.lonely: jobs",
        "pydotorg.core.unused: no domain",
    ]


def test_a_domain_or_db_importing_web_is_refused(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "web/edge.py": "from pydotorg.jobs import models\nfrom pydotorg.core import kit\n",
            "core/kit.py": "",
            "jobs/models.py": "def f():\n    from pydotorg.web import edge\n",
            "db/engine.py": "from pydotorg.web.edge import Edge\n",
        },
    )
    edges = layer_graph(import_graph(root))
    assert [line.split(":")[0] for line in forbidden_imports(edges)] == [
        "db may not import web",
        "jobs may not import web",
    ]
    assert cycles(edges) == [["jobs", "web"]]
