"""The suite's own layout: every test directory is a package of ``tests``, so
each module has one name (``tests.web.test_inbox``) whether pytest runs the
whole suite or one file; conftest files hold fixtures and hooks only, and
no module imports a conftest: shared helpers live in ``tests.support``."""
import ast
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def _python_files():
    return sorted(path for path in TESTS.rglob("*.py") if "__pycache__" not in path.parts)


def _module_name(path: Path) -> str:
    """The one name a file under tests/ is imported as."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(tree: ast.AST):
    """(line, dotted name) of every module an import statement names."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            yield node.lineno, base
            yield from ((node.lineno, f"{base}.{alias.name}") for alias in node.names)


def test_every_directory_with_python_files_is_a_package():
    missing = sorted({str(path.parent.relative_to(ROOT)) for path in _python_files()
                      if not (path.parent / "__init__.py").exists()})
    assert not missing, f"directories without __init__.py (their modules would get a second name): {missing}"


def test_no_module_imports_a_conftest():
    offenders = []
    for path in _python_files():
        for line, name in _imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            if "conftest" in name.split("."):
                offenders.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert not offenders, "import shared helpers from tests.support, never from a conftest:\n" + "\n".join(offenders)


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr == "fixture" or (
        isinstance(target, ast.Name) and target.id == "fixture")


def test_conftest_files_hold_only_fixtures_and_hooks():
    strays = []
    for path in TESTS.rglob("conftest.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                strays.append(f"{path.relative_to(ROOT)}:{node.lineno} class {node.name}")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if not (node.name.startswith("pytest_") or any(_is_fixture(d) for d in node.decorator_list)):
                    strays.append(f"{path.relative_to(ROOT)}:{node.lineno} def {node.name}")
    assert not strays, "helpers belong in tests.support (or a module of their directory):\n" + "\n".join(strays)


def test_every_loaded_test_module_has_one_name():
    """What collection imported (all of it on a full run): each file under
    tests/ once, under its package name; a second name would be a second
    module object with its own globals."""
    names_by_file: dict[Path, list[str]] = {}
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if not isinstance(file, str):
            continue
        path = Path(file).resolve()
        if path.is_relative_to(TESTS):
            names_by_file.setdefault(path, []).append(name)
    assert Path(__file__).resolve() in names_by_file  # the check sees this very module
    wrong = {str(path.relative_to(ROOT)): sorted(names) for path, names in names_by_file.items()
             if names != [_module_name(path)]}
    assert not wrong, f"modules loaded under another name or twice: {wrong}"

