"""What the studio's decision-table and form editors ask of a file draft:
the deploy lint's problems, a table's test rows run by the engine, and a
form schema checked for the live preview. Nothing here writes. Process
admins and auditors may ask; nobody else."""
import json
from dataclasses import asdict
from decimal import Decimal, InvalidOperation

import jsonschema

from app.errors import ValidationFailed
from app.form_kinds import form_problems
from app.form_titles import missing_english
from app.models import User
from app.services import queries
from app.services.studio import ensure_studio_reader
from app.services.studio_files import MAX_FILE_CHARS, file_source
from app.workflow.bundle import read_bundle
from app.workflow.dmn_evaluation import TableUnreadable, run_table
from app.workflow.problems import Problem


def check_file(name: str, user: User) -> list[dict]:
    """The problems the deploy lint finds in the draft of ``name`` (or its
    deployed content when there is no draft), each with file, line, element
    id (a form: the field path) and message. Raises Forbidden, NotFound."""
    source = file_source(name, user)
    bundle = read_bundle({name: source.content.encode("utf-8")}, {})
    return [problem.as_dict() for problem in bundle.problems]


def check_warnings(name: str, user: User) -> list[dict]:
    """What deploy lets through but a reader would miss, in the same shape
    as the problems: a form's titles without English (app/form_titles.py).
    Raises Forbidden, NotFound."""
    source = file_source(name, user)
    if source.kind != "form":
        return []
    try:
        schema = json.loads(source.content)
    except json.JSONDecodeError:
        return []  # the problems say so
    if not isinstance(schema, dict):
        return []
    return [Problem(name, None, where, message).as_dict() for where, message in missing_english(schema)]


def _same(expected, actual) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        try:
            return Decimal(str(expected)) == Decimal(str(actual))
        except InvalidOperation:
            return False
    return expected == actual


def _verdict(row: dict, result) -> bool | None:
    """True when every expected output came out, None when nothing is expected."""
    expected = row.get("expected") or {}
    if not expected:
        return None
    if result.error or result.outputs is None:
        return False
    return all(_same(value, result.outputs.get(key)) for key, value in expected.items())


def evaluate_table(name: str, rows: list[dict], user: User) -> dict:
    """Run the decision table of the draft of ``name`` (or of the deployed
    file) on each row's ``inputs`` with the engine processes use: the
    table's columns, and per row the outputs, the matching rules, the
    engine's error and whether the expected outputs came out. Raises
    Forbidden, NotFound, ValidationFailed (not a table, or one the engine
    cannot read)."""
    source = file_source(name, user)
    if source.kind != "dmn":
        raise ValidationFailed.for_fields({"name": [f"{name!r} is not a decision table."]})
    try:
        run = run_table(source.content, name, rows)
    except TableUnreadable as exc:
        raise ValidationFailed.for_fields({"content": [exc.message]}, "The decision table cannot be run.") from exc
    return {"revision": source.revision, "decision_id": run.decision_id, "hit_policy": run.hit_policy,
            "inputs": [asdict(column) for column in run.inputs],
            "outputs": [asdict(column) for column in run.outputs],
            "results": [{**asdict(result), "passed": _verdict(row, result)} for row, result in zip(rows, run.results)]}


def lookup_targets(user: User) -> list[str]:
    """The lookups a form field's ``x-ref`` may name. Raises Forbidden."""
    ensure_studio_reader(user)
    return sorted(queries.LOOKUPS)


def preview_schema(schema, user: User) -> dict:
    """``schema`` (a form's JSON Schema, or its text) checked as deploy
    would check it, ready to render. Raises Forbidden, ValidationFailed
    naming each field with a problem (``schema`` for the whole)."""
    ensure_studio_reader(user)
    if isinstance(schema, str):
        if len(schema) > MAX_FILE_CHARS:
            raise ValidationFailed.for_fields({"schema": [f"At most {MAX_FILE_CHARS} characters."]})
        try:
            schema = json.loads(schema)
        except json.JSONDecodeError as exc:
            raise ValidationFailed.for_fields({"schema": [f"Not valid JSON (line {exc.lineno}): {exc.msg}"]}) from exc
    if not isinstance(schema, dict):
        raise ValidationFailed.for_fields({"schema": ["A form schema must be a JSON object."]})
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        where = ".".join(str(part) for part in exc.path if part != "properties") or "schema"
        raise ValidationFailed.for_fields({where: [f"Not a valid JSON Schema: {exc.message}"]}) from exc
    problems: dict[str, list[str]] = {}
    for where, message in form_problems(schema):
        problems.setdefault(where, []).append(message)
    for where, ref in _refs(schema).items():
        if ref not in queries.LOOKUPS:
            problems.setdefault(where, []).append(f"x-ref names no lookup {ref!r}; there are {', '.join(sorted(queries.LOOKUPS))}.")
    if problems:
        raise ValidationFailed.for_fields(problems, "The form has problems.")
    return schema


def _refs(schema: dict, where: str = "") -> dict[str, str]:
    """Field path → the lookup its x-ref names, at any depth."""
    found = {}
    if isinstance(schema.get("x-ref"), str):
        found[where or "(form)"] = schema["x-ref"]
    for key, sub in (schema.get("properties") or {}).items():
        if isinstance(sub, dict):
            found.update(_refs(sub, f"{where}.{key}" if where else key))
    items = schema.get("items")
    if isinstance(items, dict):
        found.update(_refs(items, f"{where}[]"))
    return found
