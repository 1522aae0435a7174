"""Imports point down (DESIGN.md "Layers"): web/ api/ cli -> services/ ->
workflow/, ledger/, audit/ -> models/, with the action registry
(app/actions.py) below both the engine and the ledger. Every import counts,
at module level or inside a function: a lazy import is still a dependency,
only a hidden one."""
import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[1] / "app"

# What each part may not import: the parts above it ("app" is the factory, the top).
USE_CASES_AND_FACES = {"services", "api", "web", "cli", "app"}
FORBIDDEN = {
    "ledger": {"workflow"} | USE_CASES_AND_FACES,
    "workflow": {"ledger"} | USE_CASES_AND_FACES,
    "actions": {"ledger", "workflow"} | USE_CASES_AND_FACES,
    "models": {"actions", "audit", "ledger", "workflow"} | USE_CASES_AND_FACES,
}


def module_name(path: Path, root: Path = APP) -> str:
    """``app/ledger/orders.py`` → ``app.ledger.orders``; a package is its ``__init__``."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(name: str, source: str, is_package: bool, known: set[str]) -> list[tuple[int, str]]:
    """(line, module of app/) for every import in ``source``, at any depth;
    ``from app.x import y`` names ``app.x.y`` when that is a module."""
    package = name if is_package else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found += [(node.lineno, f"{module}.{alias.name}" if f"{module}.{alias.name}" in known else module)
                      for alias in node.names]
    return [(line, target) for line, target in found if target == "app" or target.startswith("app.")]


def part_of(module: str) -> str:
    """The package (or top-level module) of app/ a module belongs to; ``app``
    for the factory itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "app"


def import_graph(root: Path = APP) -> dict[str, list[tuple[int, str]]]:
    """Module → [(line, imported module of app/)]."""
    paths = {module_name(path, root): path for path in sorted(root.rglob("*.py"))}
    known = set(paths)
    graph = {}
    for name, path in paths.items():
        edges = []
        for line, target in imports_of(name, path.read_text(encoding="utf-8"), path.name == "__init__.py", known):
            while target not in known and "." in target:
                target = target.rpartition(".")[0]
            if target != name:
                edges.append((line, target))
        graph[name] = list(dict.fromkeys(edges))  # ``from x import a, b`` is one import of x
    return graph


def upward_imports(graph: dict[str, list[tuple[int, str]]]) -> list[str]:
    """Every import of a part by a part that FORBIDDEN keeps below it."""
    return [f"{name}:{line} imports {target}"
            for name, edges in sorted(graph.items()) for line, target in edges
            if part_of(target) in FORBIDDEN.get(part_of(name), ())]


def circles(nodes: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of two or more nodes (Tarjan), each
    sorted: nodes that import one another, however indirectly."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(nodes.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return found


def package_cycles(graph: dict[str, list[tuple[int, str]]]) -> list[list[str]]:
    """The groups of parts of app/ that import one another."""
    parts: dict[str, set[str]] = {}
    for name, edges in graph.items():
        parts.setdefault(part_of(name), set()).update(part_of(t) for _, t in edges if part_of(t) != part_of(name))
    return circles(parts)


def module_cycles(graph: dict[str, list[tuple[int, str]]], part: str) -> list[list[str]]:
    """The groups of modules of one part of app/ that import one another."""
    return circles({name: {t for _, t in edges if part_of(t) == part}
                    for name, edges in graph.items() if part_of(name) == part})


def _edges_between(graph, group) -> list[str]:
    return [f"{name}:{line} imports {target}" for name, edges in sorted(graph.items()) for line, target in edges
            if part_of(name) in group and part_of(target) in group and part_of(name) != part_of(target)]


def test_no_part_of_app_imports_one_above_it():
    offenders = upward_imports(import_graph())
    assert not offenders, "imports must point down (DESIGN.md Layers):\n" + "\n".join(offenders)


def test_no_two_parts_of_app_import_each_other():
    graph = import_graph()
    cycles = package_cycles(graph)
    assert not cycles, "\n".join(f"{' ↔ '.join(group)}:\n  " + "\n  ".join(_edges_between(graph, group))
                                 for group in cycles)


def test_the_ledgers_modules_import_one_another_without_a_circle():
    """A circle inside the ledger is what lazy imports hide (a lookup and the
    module it serves, a parser in the module that uses the other): none."""
    graph = import_graph()
    assert module_cycles(graph, "ledger") == []


def test_the_graph_sees_what_app_imports():
    """The scan is not vacuous: it finds the imports the layers are made of."""
    graph = import_graph()
    assert (part_of("app.ledger.orders"), part_of("app")) == ("ledger", "app")
    assert any(target == "app.actions" for _, target in graph["app.ledger.orders"])
    assert any(part_of(target) == "workflow" for _, target in graph["app.services.commands"])


def _plant(tmp_path: Path, files: dict[str, str]) -> dict:
    for relative, source in files.items():
        path = tmp_path / "app" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    for package in {p.parent for p in (tmp_path / "app").rglob("*.py")} | {tmp_path / "app"}:
        (package / "__init__.py").touch()
    return import_graph(tmp_path / "app")


@pytest.mark.parametrize("files", [
    {"ledger/orders.py": "from app.workflow.runtime import Run\n", "workflow/runtime.py": ""},
    {"ledger/orders.py": "def f():\n    from app.services import commands\n", "services/commands.py": ""},
    {"ledger/orders.py": "def f():\n    from app.web import views\n", "web/views.py": ""},
    {"workflow/lint.py": "import app.ledger.orders\n", "ledger/orders.py": ""},
    {"workflow/lint.py": "from app import services\n", "services/commands.py": ""},
    {"models/order.py": "from app.ledger.money import ZERO\n", "ledger/money.py": ""},
    {"models/order.py": "from app import audit\n", "audit/chain.py": ""},
    {"ledger/orders.py": "from app import create_app\n"},
    {"actions.py": "def load():\n    import app.ledger\n"},
    {"workflow/sub/deep.py": "from ...ledger import orders\n", "ledger/orders.py": ""},
])
def test_the_scan_finds_a_planted_upward_import(tmp_path, files):
    assert upward_imports(_plant(tmp_path, files)), files


def test_the_scan_finds_a_planted_cycle_through_a_function_level_import(tmp_path):
    graph = _plant(tmp_path, {"audit/chain.py": "from app.models import Event\n",
                              "models/event.py": "def f():\n    from app.audit import chain\n"})
    assert package_cycles(graph) == [["audit", "models"]]


def test_the_scan_finds_a_circle_of_modules_inside_the_ledger(tmp_path):
    graph = _plant(tmp_path, {"ledger/catalogue.py": "def f():\n    from app.ledger.customers import refresh\n",
                              "ledger/customers.py": "from app.ledger.catalogue import customer_by_code\n"})
    assert module_cycles(graph, "ledger") == [["app.ledger.catalogue", "app.ledger.customers"]]


def test_the_scan_leaves_downward_imports_alone(tmp_path):
    graph = _plant(tmp_path, {
        "services/commands.py": "from app.workflow.runtime import Run\nfrom app.ledger import orders\nfrom app.actions import run_action\n",
        "workflow/runtime.py": "from app.actions import ActionCall\nfrom app import clock\n",
        "ledger/orders.py": "from app.actions import action\nfrom app.ledger import journal\nfrom app.models import Order\n",
        "ledger/journal.py": "from app.ledger.money import ZERO\n", "ledger/money.py": "",
        "models/order.py": "from app.extensions import db\n",
        "actions.py": "", "clock.py": "", "extensions.py": "",
    })
    assert upward_imports(graph) == [] and package_cycles(graph) == [] and module_cycles(graph, "ledger") == []
