"""Calls of Python builtins the sandbox does not provide (``open``,
``compile``, ``globals``, ``setattr`` ...): they compile, then fail every
run with ``NameError``, so deploy refuses them. A name the source binds
itself (an assignment, a loop variable, a function it defines) is its own."""
import ast
import builtins

from app.workflow.sandbox import PROVIDED_BUILTINS

_MISSING = frozenset(name for name in dir(builtins) if not name.startswith("_")) - PROVIDED_BUILTINS


def unavailable_calls(source: str, mode: str = "eval") -> list[str]:
    """The builtins ``source`` calls that diagrams do not have, in order of
    first use; empty when it does not parse (the sandbox lint says why)."""
    try:
        tree = ast.parse(source, mode=mode)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    bound = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    bound |= {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    bound |= {arg.arg for node in ast.walk(tree) if isinstance(node, ast.arguments)
              for arg in node.args + node.kwonlyargs + node.posonlyargs}
    called = [node.func.id for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]
    return list(dict.fromkeys(name for name in called if name in _MISSING and name not in bound))
