"""What changed in an instance's data from one replayed event to the next,
and which files the data refers to: the two readings the replay page puts
beside the diagram. Values are described with the task pages' display
trees (task_view.describe), so money reads as money and keys carry the
titles the forms and the glossary give them."""
from dataclasses import dataclass

from app.services.shown_labels import LABELS
from app.services.task_view import describe, field_schema

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class Change:
    key: str
    title: str
    change: str  # added | removed | changed
    old: dict | None  # display tree of the value before (None when added)
    new: dict | None  # display tree of the value after (None when removed)

    def as_json(self, old_value=None, new_value=None) -> dict:
        return {"key": self.key, "title": self.title, "change": self.change, "old": old_value, "new": new_value}


def _title(key: str, schema: dict) -> str:
    return schema.get("title") or LABELS.get(key) or key


def diff(before: dict, after: dict, schemas: list[dict]) -> list[Change]:
    """The top-level keys of ``after`` that are new, gone or different from
    ``before``, in the order ``after`` (then ``before``) holds them, each
    value described through the schema of the form that writes it. Raises
    nothing."""
    before, after = before or {}, after or {}
    changes = []
    for key in list(after) + [k for k in before if k not in after]:
        schema = field_schema(schemas, [key])
        if key not in before:
            changes.append(Change(key, _title(key, schema), ADDED, None, describe(key, after[key], schema)))
        elif key not in after:
            changes.append(Change(key, _title(key, schema), REMOVED, describe(key, before[key], schema), None))
        elif before[key] != after[key]:
            changes.append(Change(key, _title(key, schema), CHANGED, describe(key, before[key], schema),
                                  describe(key, after[key], schema)))
    return changes


def described(data: dict, schemas: list[dict]) -> dict:
    """The display tree (facts) of ``data``, each key titled and formatted
    through the form that writes it. Raises nothing."""
    return describe("", data, {"properties": {key: field_schema(schemas, [key]) for key in data}})


def files_in(value, found: dict | None = None) -> list[dict]:
    """Every attachment reference ({name, size, sha256, …}) anywhere in
    ``value``, once per SHA-256, in the order met. Raises nothing."""
    found = {} if found is None else found
    if isinstance(value, dict):
        sha = value.get("sha256")
        if isinstance(sha, str) and "name" in value and "size" in value:
            found.setdefault(sha, {"name": str(value.get("name") or ""), "size": value.get("size"), "sha256": sha,
                                   "type": value.get("type")})
        else:
            for item in value.values():
                files_in(item, found)
    elif isinstance(value, list):
        for item in value:
            files_in(item, found)
    return list(found.values())
