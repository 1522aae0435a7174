"""Deploy-time checks of DMN decision tables: every expression compiles under
the restricted engine, and under hit policy UNIQUE no two rules can match the
same input (the engine would silently take the first)."""
import ast
import itertools
import re
from decimal import Decimal

from app.workflow.expression_dialects import dialect_hint
from app.workflow.problems import Problem
from app.workflow.sandbox import RestrictedEnvironment, check_expression
from app.workflow.xml_names import tag

_QUESTION = re.compile(r"""(\?)(?=(?:[^'"]|['"][^'"]*['"])*$)""")
_MAX_COMBINATIONS = 20_000


def cell_expression(variable: str, cell: str) -> str:
    """The Python expression the engine evaluates for one input cell."""
    if _QUESTION.search(cell):
        return _QUESTION.sub(variable, cell)
    try:
        ast.parse(cell, mode="eval")
        return f"({variable}) == ({cell})"
    except SyntaxError:
        return f"{variable}{cell}"  # as the engine does: no space between input and cell


_WORD_OPERATOR = re.compile(r"^(not\s+in|in|is)\b")
def _expression_problems(cell: str, expression: str) -> list[str]:
    """The sandbox's problems with ``expression``, quoting the analyst's
    ``cell`` rather than the engine's rewrite of it."""
    return [problem.replace(repr(expression), repr(cell)) for problem in check_expression(expression)]


def _children(element, name):
    return [child for child in element if tag(child) == name]


def _text(element, child_name) -> str | None:
    for child in element:
        if tag(child) == child_name:
            return (child.text or "").strip()
    return None


def _cell(entry) -> str | None:
    text = _text(entry, "text")
    return None if text in (None, "", "-") else text


def lint_dmn(tree, filename: str) -> tuple[list[Problem], set[str]]:
    """Problems of one DMN file, and the decision ids it defines."""
    problems: list[Problem] = []
    decisions: set[str] = set()

    def add(element, message):
        problems.append(Problem(filename, element.sourceline, element.get("id"), message))

    for decision in tree.getroot().iter():
        if tag(decision) != "decision":
            continue
        if not decision.get("id"):
            add(decision, "A decision needs an id.")
            continue
        decisions.add(decision.get("id"))
        for table in _children(decision, "decisionTable"):
            _lint_table(table, add)
    return problems, decisions


def _lint_table(table, add) -> None:
    inputs = _children(table, "input")
    rules = _children(table, "rule")
    for number, column in enumerate(inputs):
        expression = next((_text(e, "text") for e in column if tag(e) == "inputExpression"), None)
        if not expression:
            add(column, "An input column needs an input expression.")
        elif hint := dialect_hint(expression):
            add(column, f"Input expression {hint}")
        else:
            for problem in check_expression(expression):
                add(column, f"Input expression {expression!r} is not allowed: {problem}")
    cells_by_rule = []
    for rule in rules:
        cells = [_cell(entry) for entry in _children(rule, "inputEntry")]
        if len(cells) != len(inputs):
            add(rule, f"The rule has {len(cells)} input entries for {len(inputs)} inputs.")
            return
        for number, cell in enumerate(cells):
            if cell is not None and _WORD_OPERATOR.match(cell):
                add(rule, f"Cell {cell!r} starts with an operator word; the engine joins it to the input without a "
                          f"space, so it never matches. Write '? {cell}'.")
            elif cell is not None and (hint := dialect_hint(cell)):
                add(rule, f"Cell {hint}")
            elif cell is not None:
                for problem in _expression_problems(cell, cell_expression(f"input_{number}", cell)):
                    add(rule, f"Cell {cell!r} is not allowed: {problem}")
        for entry in _children(rule, "outputEntry"):
            output = _cell(entry)
            if output is not None and (hint := dialect_hint(output)):
                add(rule, f"Output {hint}")
            elif output is not None:
                for problem in check_expression(output):
                    add(rule, f"Output {output!r} is not allowed: {problem}")
        cells_by_rule.append(cells)
    if (table.get("hitPolicy") or "UNIQUE").upper() == "UNIQUE":
        for first, second, sample in _overlaps(cells_by_rule):
            add(rules[second], f"Under hit policy UNIQUE rule {first + 1} and rule {second + 1} both match "
                               f"for {sample}; make them exclusive or change the hit policy.")


def _literals(cells: list[str | None]) -> list:
    """Constants used in one column's cells: the values to probe around."""
    found = []
    for cell in cells:
        if cell is None:
            continue
        try:
            tree = ast.parse(cell.replace("?", "x"), mode="eval")
        except SyntaxError:
            try:
                tree = ast.parse(f"x {cell}", mode="eval")
            except SyntaxError:
                continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and not isinstance(node.value, bool):
                found.append(node.value)
    return found


def _probes(cells: list[str | None]) -> list:
    """Values that fall on, between, below and above every constant."""
    literals = _literals(cells)
    numbers = sorted({Decimal(str(v)) for v in literals if isinstance(v, (int, float))})
    strings = sorted({v for v in literals if isinstance(v, str)})
    probes: list = [True, False, None] + strings + ["\u2400other"]
    if numbers:
        probes += [numbers[0] - 1, numbers[-1] + 1]
        for low, high in zip(numbers, numbers[1:]):
            probes.append((low + high) / 2)
        probes += numbers
    else:
        probes += [Decimal(0)]
    return probes


def _matches(environment, cells, values) -> bool:
    for number, (cell, value) in enumerate(zip(cells, values)):
        if cell is None:
            continue
        try:
            if not environment.evaluate(cell_expression(f"input_{number}", cell), {f"input_{number}": value}):
                return False
        except Exception:  # a probe of the wrong type simply does not match
            return False
    return True


def _overlaps(cells_by_rule):
    if len(cells_by_rule) < 2:
        return
    columns = list(zip(*cells_by_rule))
    probe_sets = [_probes(list(column)) for column in columns]
    environment = RestrictedEnvironment()
    matched: dict[int, list] = {}
    for values in itertools.islice(itertools.product(*probe_sets), _MAX_COMBINATIONS):
        hits = [index for index, cells in enumerate(cells_by_rule) if _matches(environment, cells, values)]
        if len(hits) > 1:
            pair = (hits[0], hits[1])
            if pair not in matched:
                matched[pair] = values
    for (first, second), values in sorted(matched.items()):
        yield first, second, ", ".join(f"input {n + 1} = {v!r}" for n, v in enumerate(values))
