"""The demo stays a demo: the product under app/ never imports app.demo;
only the commands (app/cli) load it, and the demo package imports itself."""
import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"
MAY_IMPORT_THE_DEMO = (APP / "cli", APP / "demo")


def demo_imports(source: str) -> list[int]:
    """Lines of ``source`` that import app.demo or anything in it, at any depth."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        if any(name == "app.demo" or name.startswith("app.demo.") for name in names):
            found.append(node.lineno)
    return sorted(found)


def test_the_finder_sees_every_way_of_importing_the_demo():
    source = ("import app.demo\nfrom app.demo.organisation import REGIONS\nfrom app import demo\n"
              "def f():\n    from app.demo import month\n"
              "import app.demographics\nfrom app.services import demo_like\n")
    assert demo_imports(source) == [1, 2, 3, 5]


def test_no_product_module_imports_the_demo():
    offenders = [f"{path.relative_to(APP.parent)}:{line}"
                 for path in sorted(APP.rglob("*.py"))
                 if not any(path.is_relative_to(allowed) for allowed in MAY_IMPORT_THE_DEMO)
                 for line in demo_imports(path.read_text(encoding="utf-8"))]
    assert offenders == []
