"""Camunda 7 DMN tables converted into the cells SpiffWorkflow evaluates.

Camunda writes input entries as FEEL simple unary tests (``< 250``,
``[250..1000]``, ``"a","b"``, ``not(...)``, ``-``); SpiffWorkflow reads each
cell as Python with ``?`` standing for the input (app/workflow/dmn_lint.py).
Every cell is rewritten to the Python with the same meaning; a cell with no
exact equivalent (dates, functions, FEEL expressions) is kept as it was and
reported, so the deploy lint refuses the table instead of it deciding
wrongly. Hit policies SpiffWorkflow evaluates (UNIQUE, COLLECT
without aggregation) are kept; others are reported."""
import re
from copy import deepcopy

from lxml import etree

from app.workflow.camunda_juel import Untranslatable

CAMUNDA_DMN = "http://camunda.org/schema/1.0/dmn"
_KEPT_HIT_POLICIES = {"UNIQUE", "COLLECT"}
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_STRING = re.compile(r'^"(?:[^"\\]|\\.)*"$')
_COMPARISON = re.compile(r"^(<=|>=|<|>|=|!=)\s*(.+)$", re.DOTALL)
_RANGE = re.compile(r"^([\[\](])\s*(.+?)\s*\.\.\s*(.+?)\s*([\])[])$", re.DOTALL)
_NOT = re.compile(r"^not\s*\((.*)\)$", re.DOTALL)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")


def _split_top(text: str) -> list[str]:
    """``text`` split at the commas outside quotes, brackets and parentheses."""
    parts, depth, quoted, start = [], 0, False, 0
    for at, char in enumerate(text):
        if char == '"' and (at == 0 or text[at - 1] != "\\"):
            quoted = not quoted
        elif not quoted and char in "([":
            depth += 1
        elif not quoted and char in ")]":
            depth -= 1
        elif not quoted and depth == 0 and char == ",":
            parts.append(text[start:at].strip())
            start = at + 1
    parts.append(text[start:].strip())
    return parts


def feel_literal(text: str) -> str:
    """The Python literal of a FEEL literal (string, number, boolean, null).
    Raises Untranslatable for anything else."""
    text = text.strip()
    if _STRING.match(text) or _NUMBER.match(text):
        return text
    if text in ("true", "false", "null"):
        return {"true": "True", "false": "False", "null": "None"}[text]
    raise Untranslatable(f"{text!r} is not a FEEL literal the engine can read")


def _one_test(test: str) -> str:
    """One FEEL unary test as a Python condition on ``?``."""
    if match := _RANGE.match(test):
        opening, low, high, closing = match.groups()
        lower = "<=" if opening == "[" else "<"
        upper = "<=" if closing == "]" else "<"
        return f"{feel_literal(low)} {lower} ? {upper} {feel_literal(high)}"
    if match := _COMPARISON.match(test):
        operator, value = match.groups()
        return f"? {'==' if operator == '=' else operator} {feel_literal(value)}"
    if test.strip() == "null":
        return "? is None"
    return f"? == {feel_literal(test)}"


def unary_tests_to_cell(text: str | None) -> str:
    """The SpiffWorkflow input cell equivalent to FEEL unary tests ``text``.
    Raises Untranslatable (with the reason) when there is none."""
    text = (text or "").strip()
    if text in ("", "-"):
        return "-"
    negated = False
    if match := _NOT.match(text):
        negated, text = True, match.group(1).strip()
    tests = _split_top(text)
    if any(not test for test in tests):
        raise Untranslatable(f"{text!r} has an empty test")
    literals = []
    for test in tests:
        try:
            literals.append(feel_literal(test))
        except Untranslatable:
            literals = None
            break
    if literals is not None and not any(value == "None" for value in literals):
        if len(literals) == 1 and not negated:
            return literals[0]
        return f"? {'not in' if negated else 'in'} ({', '.join(literals)}{',' if len(literals) == 1 else ''})"
    condition = " or ".join(_one_test(test) for test in tests)
    return f"not ({condition})" if negated else condition


def input_expression_to_python(text: str | None) -> str:
    """An input expression: a variable or a dotted property path. Raises
    Untranslatable for anything else."""
    text = (text or "").strip()
    if _NAME.match(text):
        head, *props = text.split(".")
        return head + "".join(f"[{prop!r}]" for prop in props)
    raise Untranslatable(f"the input expression {text!r} is not a plain variable")


def convert_dmn(tree, filename: str, report) -> dict[str, str]:
    """The converted DMN of ``tree`` (parsed safely): one file per decision,
    ``<decision id>.dmn``, since the engine reads one table per file.
    ``report(severity, element_id, message)`` receives everything not
    carried over exactly."""
    root = tree.getroot()
    ns = root.nsmap.get(None) or etree.QName(root).namespace
    q = lambda name: f"{{{ns}}}{name}"  # noqa: E731
    for decision in root.iter(q("decision")):
        did = decision.get("id")
        for required in decision.iter(q("requiredDecision")):
            report("warning", did, f"The decision requires decision {required.get('href', '').lstrip('#')!r}: "
                                   "the engine does not chain decisions, so a business rule task must call it "
                                   "first and leave its result in the data.")
        for table in decision.iter(q("decisionTable")):
            policy = (table.get("hitPolicy") or "UNIQUE").upper()
            if table.get("aggregation"):
                report("error", did, f"Hit policy {policy} with aggregation {table.get('aggregation')} is not "
                                     "evaluated by the engine.")
            elif policy not in _KEPT_HIT_POLICIES:
                report("error", did, f"Hit policy {policy} is not evaluated by the engine: rewrite the table "
                                     "as UNIQUE or COLLECT.")
            _convert_table(table, q, did, report)
    _strip_camunda(root, filename, report)
    return _one_per_decision(root, q, report)


def _one_per_decision(root, q, report) -> dict[str, str]:
    decisions = [d for d in root if d.tag == q("decision")]
    others = [e for e in root if isinstance(e.tag, str) and e.tag != q("decision")]
    if len(decisions) > 1 or others:
        report("info", root.get("id"), f"Split into one file per decision ({len(decisions)}); the decision "
                                        "requirements diagram and its layout were left out.")
    files = {}
    for decision in decisions:
        nsmap = {prefix: uri for prefix, uri in root.nsmap.items() if uri != CAMUNDA_DMN}
        copy = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=nsmap)
        copy.set("id", f"Definitions_{decision.get('id')}")
        copy.set("namespace", "http://lanes.local/dmn")
        copy.append(deepcopy(decision))
        for requirement in list(copy.iter(q("informationRequirement"), q("knowledgeRequirement"),
                                          q("authorityRequirement"))):
            requirement.getparent().remove(requirement)
        etree.cleanup_namespaces(copy)
        files[f"{decision.get('id')}.dmn"] = etree.tostring(copy, xml_declaration=True, encoding="UTF-8",
                                                            pretty_print=True).decode("utf-8")
    return files


def _convert_table(table, q, did, report) -> None:
    for expression in table.iter(q("inputExpression")):
        text = expression.find(q("text"))
        if text is None:
            continue
        try:
            text.text = input_expression_to_python(text.text)
        except Untranslatable as exc:
            report("error", did, f"Input {expression.get('id')}: {exc}; kept as written.")
    for entry in table.iter(q("inputEntry")):
        text = entry.find(q("text"))
        if text is None:
            text = etree.SubElement(entry, q("text"))
        try:
            text.text = unary_tests_to_cell(text.text)
        except Untranslatable as exc:
            report("error", did, f"Cell {entry.get('id')}: {exc}; kept as written, so the deploy check "
                                 "refuses it.")
    for entry in table.iter(q("outputEntry")):
        text = entry.find(q("text"))
        if text is None or not (text.text or "").strip():
            continue
        try:
            text.text = feel_literal(text.text)
        except Untranslatable:
            if not _NAME.match(text.text.strip()):
                report("error", did, f"Output cell {entry.get('id')}: {text.text.strip()!r} is a FEEL "
                                     "expression; kept as written.")


def _strip_camunda(root, filename, report) -> None:
    for element in root.iter():
        for name in list(element.attrib):
            if name.startswith(f"{{{CAMUNDA_DMN}}}"):
                local = etree.QName(name).localname
                value = element.attrib.pop(name)
                if local == "inputVariable" and not value:
                    continue
                report("info" if local == "historyTimeToLive" else "warning", element.get("id"),
                       f"camunda:{local}={value!r} was not carried over.")
