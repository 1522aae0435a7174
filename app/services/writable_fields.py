"""What a person may write through a form: the fields it declares and does
not mark ``readOnly``, at any depth.

A task's data is merged into the instance's data, so a field the form only
shows (the ledger's ``order_result``, an earlier reviewer's ``comment``) or
does not know at all would overwrite what the engine, the ledger or another
person put there. This is judged here, apart from the JSON Schema, because it
must hold whatever ``additionalProperties`` the analyst wrote in the file."""

READ_ONLY = "read-only"
UNDECLARED = "not a field of this form"

# Sub-schemas that may declare (or re-declare) properties of the same object.
_SAME_OBJECT = ("allOf", "anyOf", "oneOf")
_CONDITIONAL = ("if", "then", "else")


def declarations(schema: dict) -> dict[str, list[dict]]:
    """Every schema that declares each property of an object schema: its own
    ``properties`` and those of combined or conditional sub-schemas (the ``if``
    branch only tests values, it declares nothing)."""
    found: dict[str, list[dict]] = {}
    stack = [schema]
    while stack:
        current = stack.pop()
        if not isinstance(current, dict):
            continue
        for name, sub in (current.get("properties") or {}).items():
            if isinstance(sub, dict):
                found.setdefault(name, []).append(sub)
        for key in _SAME_OBJECT:
            stack.extend(part for part in current.get(key) or [] if isinstance(part, dict))
        for key in _CONDITIONAL[1:]:
            if isinstance(current.get(key), dict):
                stack.append(current[key])
    return found


def items_schemas(schemas: list[dict]) -> list[dict]:
    return [schema["items"] for schema in schemas if isinstance(schema.get("items"), dict)]


def _check(schemas: list[dict], value, path: list[str], problems: dict[str, list[str]]) -> None:
    if isinstance(value, dict):  # an object, whatever its schema says: only declared keys
        declared: dict[str, list[dict]] = {}
        for schema in schemas:
            for name, subs in declarations(schema).items():
                declared.setdefault(name, []).extend(subs)
        for name, inner in value.items():
            field = ".".join([*path, str(name)])
            subs = declared.get(name)
            if not subs:
                problems.setdefault(field, []).append(UNDECLARED)
            elif any(sub.get("readOnly") for sub in subs):
                problems.setdefault(field, []).append(READ_ONLY)
            else:
                _check(subs, inner, [*path, str(name)], problems)
    elif isinstance(value, list):
        items = items_schemas(schemas)
        if items:
            for index, inner in enumerate(value):
                _check(items, inner, [*path, str(index)], problems)


def unwritable_fields(schema: dict | None, data: dict) -> dict[str, list[str]]:
    """The fields of ``data`` a person may not write with ``schema``: field
    path (``ship_to.phone``, ``lines.0.amount``) → [READ_ONLY] or
    [UNDECLARED]. With no schema (a task without a form) every field is
    undeclared. Empty when all of ``data`` is writable."""
    problems: dict[str, list[str]] = {}
    if schema is None:
        return {str(name): [UNDECLARED] for name in data}
    _check([schema], data, [], problems)
    return problems
