"""The restricted Python environment every diagram expression runs in.

Diagrams are data, not code (DESIGN.md, Security): an analyst who can upload
a BPMN file must not be able to run arbitrary Python on the server. Stock
SpiffWorkflow ``eval``s every gateway condition, script task, service-task
parameter, timer expression, message correlation and DMN cell with full
builtins, so ``__import__('os').system(...)`` in a condition runs.

``RestrictedEnvironment`` is a drop-in ``TaskDataEnvironment`` that compiles
every source with RestrictedPython (``compile_restricted_eval``/``_exec``;
names and attributes starting with ``_``, ``exec``/``eval`` calls, imports,
async, ``try/except*``, frame-walking attributes and ``format``/``mro`` are
refused at compile time) and runs it with guarded attribute/item access, size
guards and a small whitelist of builtins::

    engine = PythonScriptEngine(environment=RestrictedEnvironment())
    workflow.script_engine = engine   # again after every deserialize_json

The environment holds no per-workflow state; one instance may be shared.
``check_expression`` is the deploy-time lint over the same compiler.

Not covered here, the host must bound them: CPU time (``while True: pass``
runs forever) and memory beyond the guarded operators (``'x'.ljust(10**9)``,
``f"{1:>999999999}"``, nested comprehensions over ranges). Run commands with a
time limit and workers with a memory limit. ``datetime`` and ``date`` are
given to diagrams by ``app.workflow.engine``, whose ``now()`` and ``today()``
read ``app.clock`` (the business date), so tests and replay control them.
"""
from __future__ import annotations

import ast
import functools
import operator
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import CodeType
from typing import Any

from RestrictedPython import (
    RestrictingNodeTransformer,
    compile_restricted_eval,
    compile_restricted_exec,
)
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr_raise,
)
from RestrictedPython.transformer import INSPECT_ATTRIBUTES, copy_locations
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment

__all__ = [
    "MAX_INT_BITS",
    "MAX_RANGE_ITEMS",
    "MAX_SEQUENCE_LENGTH",
    "PROVIDED_BUILTINS",
    "RestrictedEnvironment",
    "UnsafeExpression",
    "check_expression",
]

# Size limits. Business expressions stay far below them; they exist so that a
# one-line condition such as ``10**10**10`` or ``'x' * 10**10`` cannot exhaust
# the worker's memory before any timeout fires.
MAX_RANGE_ITEMS = 10_000
MAX_SEQUENCE_LENGTH = 100_000
MAX_INT_BITS = 10_000  # ~3000 decimal digits
_MAX_INT_DIGITS = 4300  # CPython's own limit for int <-> str conversion

_MODES = ("eval", "exec")
_LINE_RE = re.compile(r"^Line (\d+):")

# ``format``/``format_map`` read arbitrary attributes through the format
# mini-language ('{0.__class__}'); ``mro`` hands out the ``object`` type. We
# refuse them on every object, not only on ``str`` as RestrictedPython does.
_REFUSED_NAMES_EXTRA = frozenset({"format", "format_map", "mro"})
_REFUSED_ATTRIBUTES = _REFUSED_NAMES_EXTRA | INSPECT_ATTRIBUTES


class UnsafeExpression(Exception):
    """An expression or script was refused: it does not compile under the
    sandbox's rules, or it tried an operation the sandbox forbids.

    ``message`` is human readable; ``lineno`` is the 1-based line in the
    source when known, else ``None``.
    """

    def __init__(self, message: str, lineno: int | None = None):
        super().__init__(message)
        self.message = message
        self.lineno = lineno


# --- compile --------------------------------------------------------------

class _SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus size guards on ``**``, ``*``, ``<<``
    (the operators that turn a few characters into gigabytes) and ``%``
    (``'%d' % huge_decimal`` is an int conversion)."""

    _GUARDED = {ast.Pow: "_pow_", ast.Mult: "_mul_", ast.LShift: "_lshift_", ast.Mod: "_mod_"}

    def visit_Import(self, node: ast.Import) -> Any:
        # RestrictedPython compiles imports and fails them at run time (no
        # __import__); refusing them here lets check_expression report them.
        self.error(node, "import statements are not allowed.")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Any:
        self.error(node, "import statements are not allowed.")

    def visit_Name(self, node: ast.Name) -> Any:
        # print would need a _print_ collector we do not offer.
        if node.id in ("print", "printed"):
            self.error(node, f'"{node.id}" is not available in diagram expressions.')
            return node
        return super().visit_Name(node)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        # Always refused by _guarded_getattr; say so at deploy time too.
        if node.attr in _REFUSED_NAMES_EXTRA:
            self.error(node, f'"{node.attr}" is a restricted attribute name.')
        return super().visit_Attribute(node)

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        guard = self._GUARDED.get(type(node.op))
        if guard is None:
            return node
        func = ast.Name(guard, ast.Load())
        call = ast.Call(func=func, args=[node.left, node.right], keywords=[])
        copy_locations(func, node)
        copy_locations(call, node)
        return call


def _restricted_compile(source: str, mode: str) -> CodeType:
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        result = compiler(source, filename="<string>", policy=_SandboxPolicy)
    except (ValueError, RecursionError, MemoryError) as err:
        # null bytes in the source, absurd nesting: refuse, do not crash.
        raise UnsafeExpression(f"cannot compile: {err}") from None
    if result.errors:
        # Each error reads "Line N: ..."; the first one gives the line.
        match = _LINE_RE.match(result.errors[0])
        lineno = int(match.group(1)) if match else None
        raise UnsafeExpression("\n".join(result.errors), lineno)
    return result.code


# The same conditions run on every step of every instance: compile once.
# Failures are not cached (lru_cache does not cache exceptions); they are rare
# and caught at deploy time by check_expression.
_compile_cached = functools.lru_cache(maxsize=2048)(_restricted_compile)


def _compile(source: str, mode: str) -> CodeType:
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {_MODES}, not {mode!r}")
    if not isinstance(source, str):
        raise UnsafeExpression(f"expression must be a string, not {type(source).__name__}")
    return _compile_cached(source, mode)


def check_expression(source: str, mode: str = "eval") -> list[str]:
    """Deploy-time lint: the problems that make ``source`` refused by the
    sandbox compiler (syntax errors, names or attributes starting with ``_``,
    ``exec``/``eval`` calls, imports, ``print``, async, ``.format``, ...),
    each as a human-readable string ("Line N: ..."). Empty when ``source``
    compiles.

    Nothing is executed. Names that merely are not available at run time
    (``open``, ``getattr``) compile, since a task-data variable may bear such
    a name; ``lint_names`` refuses *calls* of them at deploy.

    Raises ``ValueError`` for a ``mode`` other than ``"eval"``/``"exec"``.
    """
    try:
        _compile(source, mode)
    except UnsafeExpression as err:
        return [line for line in err.message.splitlines() if line.strip()] or [err.message]
    return []


# --- run-time guards --------------------------------------------------------

def _guarded_getattr(obj: Any, name: str, *default: Any) -> Any:
    # RestrictedPython's compiler already refuses literal ``x.__y``; this guard
    # also covers the names it lets through and anything computed at run time.
    if type(name) is not str:
        raise UnsafeExpression("attribute name must be a string")
    if name.startswith("_") or name in _REFUSED_ATTRIBUTES:
        raise UnsafeExpression(f"access to attribute {name!r} is not allowed")
    # safer_getattr keeps RestrictedPython's own checks (string.Formatter...)
    # and raises AttributeError for a missing attribute instead of None.
    return safer_getattr_raise(obj, name, *default)


def _guarded_getitem(obj: Any, key: Any) -> Any:
    return obj[key]


def _guarded_getiter(obj: Any) -> Any:
    return iter(obj)


def _guarded_apply(func: Any, *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


def _is_int(value: Any) -> bool:
    return isinstance(value, int)  # bool is an int, harmless here


def _check_repeat(seq: Any, times: Any) -> None:
    if isinstance(seq, (str, bytes, list, tuple)) and _is_int(times):
        if len(seq) * times > MAX_SEQUENCE_LENGTH:
            raise UnsafeExpression(f"sequence repetition larger than {MAX_SEQUENCE_LENGTH} items")


def _guarded_mul(left: Any, right: Any) -> Any:
    _check_repeat(left, right)
    _check_repeat(right, left)
    if _is_int(left) and _is_int(right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
        raise UnsafeExpression(f"integer product larger than {MAX_INT_BITS} bits")
    return left * right


def _guarded_pow(base: Any, exponent: Any) -> Any:
    if _is_int(base) and _is_int(exponent) and exponent > 0 and abs(base) > 1:
        if abs(base).bit_length() * exponent > MAX_INT_BITS:
            raise UnsafeExpression(f"integer power larger than {MAX_INT_BITS} bits")
    return base ** exponent


def _guarded_lshift(value: Any, shift: Any) -> Any:
    if _is_int(value) and _is_int(shift) and value.bit_length() + shift > MAX_INT_BITS:
        raise UnsafeExpression(f"integer shift larger than {MAX_INT_BITS} bits")
    return value << shift


def _guarded_mod(left: Any, right: Any) -> Any:
    if isinstance(left, (str, bytes)):
        values = right.values() if isinstance(right, dict) else right if isinstance(right, tuple) else (right,)
        for value in values:
            _check_decimal_to_int(value)
    return left % right


_INPLACE_OPERATORS = {
    "+=": operator.iadd, "-=": operator.isub, "*=": _guarded_mul,
    "/=": operator.itruediv, "//=": operator.ifloordiv, "%=": _guarded_mod,
    "**=": _guarded_pow, "<<=": _guarded_lshift, ">>=": operator.irshift,
    "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor,
    "@=": operator.imatmul,
}


def _guarded_inplacevar(op: str, target: Any, value: Any) -> Any:
    try:
        func = _INPLACE_OPERATORS[op]
    except KeyError:
        raise UnsafeExpression(f"operator {op} is not allowed") from None
    return func(target, value)


def _bounded_range(*args: int) -> range:
    # range() itself is lazy and cheap; refusing long ones keeps
    # list(range(10**9)) and nested loops over huge ranges out.
    result = range(*args)
    if len(result) > MAX_RANGE_ITEMS:
        raise UnsafeExpression(f"range() longer than {MAX_RANGE_ITEMS} items")
    return result


def _check_decimal_to_int(value: Any) -> None:
    # int(Decimal('1e999999')) burns ~30 s of CPU; such a number can arrive
    # in a submitted form, not only in a diagram. Same bound as int(str).
    if isinstance(value, Decimal) and value.is_finite() and value.adjusted() > _MAX_INT_DIGITS:
        raise UnsafeExpression(f"number with more than {_MAX_INT_DIGITS} digits")


def _bounded_int(*args: Any, **kwargs: Any) -> int:
    if args:
        _check_decimal_to_int(args[0])
    return int(*args, **kwargs)


def _bounded_round(number: Any, *args: Any) -> Any:
    if not args or args[0] is None:
        _check_decimal_to_int(number)
    return round(number, *args)


_SAFE_BUILTINS: dict[str, Any] = {
    "True": True, "False": False, "None": None,
    "abs": abs, "all": all, "any": any, "bool": bool, "dict": dict,
    "enumerate": enumerate, "float": float, "int": _bounded_int, "len": len,
    "list": list, "max": max, "min": min, "range": _bounded_range,
    "round": _bounded_round, "set": set, "sorted": sorted, "str": str, "sum": sum,
    "tuple": tuple, "zip": zip,
    "Decimal": Decimal, "date": date, "datetime": datetime, "timedelta": timedelta,
}
PROVIDED_BUILTINS = frozenset(_SAFE_BUILTINS)  # what a diagram may call besides its own data

# Names RestrictedPython's generated code calls. Restricted source cannot
# name, rebind or read them (names starting with "_" do not compile).
_GUARDS: dict[str, Any] = {
    "_getattr_": _guarded_getattr,
    "_getitem_": _guarded_getitem,
    "_getiter_": _guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _guarded_inplacevar,
    "_apply_": _guarded_apply,
    "_pow_": _guarded_pow,
    "_mul_": _guarded_mul,
    "_lshift_": _guarded_lshift,
    "_mod_": _guarded_mod,
}

_RESERVED = frozenset(_GUARDS) | {"__builtins__"}


class RestrictedEnvironment(TaskDataEnvironment):
    """A ``TaskDataEnvironment`` that runs everything through RestrictedPython.

    ``environment_globals`` (optional) are extra names offered to every
    expression, exactly as for ``TaskDataEnvironment``. They are TRUSTED and
    exposed as they are: pass only plain functions written for diagrams,
    never modules, classes with mutable state or anything that reaches the
    host (a function's attributes are guarded, what it does is not).
    """

    def evaluate(self, expression, context, external_context=None):
        """Return the value of ``expression`` given task data ``context``.

        Raises ``UnsafeExpression`` when the expression does not compile in
        the sandbox or a guard refuses an operation; other errors (NameError
        for unavailable builtins, TypeError, ...) propagate as raised.
        """
        code = _compile(expression, "eval")
        my_globals = dict(self.globals)  # else we pollute all later evals.
        self._prepare_context(context)
        my_globals.update(external_context or {})
        my_globals.update(context)
        # Last, so task data (a form field called "_write_" or "__builtins__")
        # can never replace a guard.
        my_globals.update(_GUARDS)
        my_globals["__builtins__"] = dict(_SAFE_BUILTINS)
        return eval(code, my_globals)

    def execute(self, script, context, external_context=None):
        """Run ``script`` with task data ``context`` as its globals, so its
        top-level assignments update the task data; return True.

        Builtins, guards, environment globals, external context and any
        callable left behind (functions the script defined) are removed from
        ``context`` afterwards, as ``TaskDataEnvironment`` does. Raises
        ``UnsafeExpression`` (refused at compile time or by a guard),
        ``ValueError`` when task data shadows an environment global, or
        whatever the script raised.
        """
        external_context = external_context or {}
        code = _compile(script, "exec")
        self.check_for_overwrite(context, external_context)
        self._prepare_context(context)
        # Task data whose keys collide with the guards is set aside and put
        # back, instead of being lost in the clean-up below.
        shadowed = {k: context.pop(k) for k in _RESERVED if k in context}
        context.update(self.globals)
        context.update(external_context)
        context.update(_GUARDS)
        context["__builtins__"] = dict(_SAFE_BUILTINS)
        try:
            exec(code, context)
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
            context.update(shadowed)
        return True

    def _remove_globals_and_functions_from_context(self, context, external_context=None):
        for key in list(context):
            if key in _RESERVED:
                context.pop(key)
        super()._remove_globals_and_functions_from_context(context, external_context)
