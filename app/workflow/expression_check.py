"""One expression checked for the studio's editors, with the deploy lint's
rules and the run time's compiler (``sandbox.check_expression``): syntax
errors with line and column, what the sandbox refuses, builtins diagrams do
not have, other engines' dialects, bare ISO timers, and names that nothing
upstream writes (warnings: a name may come from outside the diagram).

Kinds: ``condition`` (a gateway's flow condition, an expression),
``script`` (a script task, statements), ``timer_date``/``timer_duration``/
``timer_cycle`` (a timer event's expression: its literal must be ISO 8601
of that kind, quoted)."""
import ast
import builtins
import re
from dataclasses import dataclass
from datetime import datetime

from app.workflow.expression_dialects import dialect_hint
from app.workflow.lint_constructs import bare_iso_timer_problem
from app.workflow.lint_names import unavailable_calls
from app.workflow.sandbox import PROVIDED_BUILTINS, check_expression

TIMER_KINDS = {"timer_date": "timeDate", "timer_duration": "timeDuration", "timer_cycle": "timeCycle"}
KINDS = ("condition", "script", *TIMER_KINDS)
# Names every expression has besides its data: app.workflow.engine's clocked datetime and date.
ENGINE_NAMES = frozenset({"datetime", "date"})
_LINE = re.compile(r"^Line (\d+):\s*")
_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")


@dataclass(frozen=True)
class Finding:
    severity: str  # error | warning
    message: str
    line: int | None = None
    column: int | None = None

    def as_dict(self) -> dict:
        return {"severity": self.severity, "message": self.message, "line": self.line, "column": self.column}


def _mode(kind: str) -> str:
    return "exec" if kind == "script" else "eval"


def _syntax(text: str, mode: str) -> Finding | None:
    try:
        ast.parse(text, mode=mode)
    except SyntaxError as err:
        return Finding("error", f"Syntax error: {err.msg}", err.lineno, err.offset)
    except (ValueError, RecursionError, MemoryError) as err:
        return Finding("error", f"Cannot compile: {err}")
    return None


def _sandbox(text: str, mode: str) -> list[Finding]:
    found = []
    for message in check_expression(text, mode):
        match = _LINE.match(message)
        found.append(Finding("error", message[match.end():] if match else message,
                             int(match.group(1)) if match else None))
    return found


def unknown_names(text: str, mode: str, known: set[str]) -> list[tuple[str, int, int]]:
    """(name, line, column) of each name read but neither known, bound by
    the text itself, a provided builtin nor an engine name; first use only."""
    tree = ast.parse(text, mode=mode)
    bound = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    bound |= {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    bound |= {arg.arg for node in ast.walk(tree) if isinstance(node, ast.arguments)
              for arg in node.args + node.kwonlyargs + node.posonlyargs}
    allowed = known | bound | PROVIDED_BUILTINS | ENGINE_NAMES | set(dir(builtins))
    seen, out = set(), []
    for node in sorted((n for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)),
                       key=lambda n: (n.lineno, n.col_offset)):
        if node.id not in allowed and node.id not in seen:
            seen.add(node.id)
            out.append((node.id, node.lineno, node.col_offset + 1))
    return out


def _iso_problem(kind: str, value: str) -> str | None:
    if kind == "timer_duration":
        return None if _DURATION.match(value) else f"{value!r} is not an ISO 8601 duration such as 'PT2H' or 'P3D'."
    if kind == "timer_date":
        try:
            datetime.fromisoformat(value)
        except ValueError:
            return f"{value!r} is not an ISO 8601 date-time such as '2026-12-31T17:00:00+08:00'."
        return None
    parts = value.split("/")
    if len(parts) not in (2, 3) or not re.match(r"^R\d*$", parts[0]) or not _DURATION.match(parts[-1]):
        return f"{value!r} is not an ISO 8601 cycle such as 'R3/PT1H' (repeat 3 times, every hour)."
    if len(parts) == 3 and _iso_problem("timer_date", parts[1]):
        return f"{parts[1]!r} in the cycle is not an ISO 8601 date-time."
    return None


def _timer(kind: str, text: str) -> list[Finding]:
    if problem := bare_iso_timer_problem(TIMER_KINDS[kind], text):
        return [Finding("error", problem, 1, 1)]
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        return []
    body = tree.body
    if isinstance(body, ast.Constant) and isinstance(body.value, str):
        if problem := _iso_problem(kind, body.value):
            return [Finding("error", problem, 1, body.col_offset + 1)]
    elif isinstance(body, ast.Constant):
        return [Finding("error", "A timer needs text (a quoted ISO 8601 value), not a number.", 1, 1)]
    return []


def check_text(kind: str, text: str, known: set[str]) -> list[Finding]:
    """What is wrong with ``text`` as an expression of ``kind``, errors
    first, then unknown names as warnings. Raises ValueError for an unknown kind."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    source = text.strip() if kind != "script" else text
    if not source.strip():
        return [] if kind == "script" else [Finding("error", "The expression is empty.")]
    if hint := dialect_hint(source.strip()):
        return [Finding("error", hint, 1, 1)]
    if kind in TIMER_KINDS and (found := _timer(kind, source)):
        return found
    mode = _mode(kind)
    if syntax := _syntax(source, mode):
        return [syntax]
    errors = _sandbox(source, mode)
    errors += [Finding("error", f"{name}() is not available in diagram expressions.") for name in
               unavailable_calls(source, mode)]
    if errors:
        return errors
    return [Finding("warning", f"Nothing upstream writes {name!r}: it will be missing when this runs.", line, column)
            for name, line, column in unknown_names(source, mode, known)]
