"""The words of a form in the reader's language. Every title a person reads
in a form (the form's, each field's at any depth, an array's ``items``, each
``oneOf`` option's) has an English sibling beside the Chinese one:

    {"const": "reject", "title": "驳回", "x-title-en": "Reject"}

Chinese is the default and the fallback: a title without English is shown in
Chinese, and at deploy it is a warning, never an error (an imported form
still deploys). A plain ``enum`` of Chinese values has ``x-enum-en``, the
English of each value in order. The caller says the locale: nothing here reads a request."""
from collections.abc import Iterator

EN = "en"
TITLE_EN = "x-title-en"
ENUM_EN = "x-enum-en"  # a plain enum's values in English, in order: {"enum": ["飞机", …], "x-enum-en": ["Plane", …]}


def title(schema, locale: str | None = None, default=None):
    """The title of ``schema`` in ``locale`` (``"en"`` or Chinese), else ``default``."""
    if not isinstance(schema, dict):
        return default
    english = schema.get(TITLE_EN)
    if locale == EN and isinstance(english, str) and english.strip():
        return english
    return schema.get("title") or default


def options(schema: dict, locale: str | None = None) -> list[tuple[str, str]]:
    """(value, title) of each option of a choice: its ``oneOf`` consts, else its ``enum``."""
    one_of = schema.get("oneOf") if isinstance(schema, dict) else None
    if one_of and all(isinstance(o, dict) and "const" in o for o in one_of):
        return [(str(o["const"]), title(o, locale, str(o["const"]))) for o in one_of]
    values = (schema.get("enum") if isinstance(schema, dict) else None) or []
    english = schema.get(ENUM_EN) if locale == EN else None
    if isinstance(english, list) and len(english) == len(values):
        return [(str(v), str(e) or str(v)) for v, e in zip(values, english)]
    return [(str(v), str(v)) for v in values]


def option_title(schema: dict, value, locale: str | None = None) -> str | None:
    """The title of option ``value`` of a choice, or None when it is none of them."""
    for const, shown in options(schema, locale):
        if const == str(value):
            return shown
    return None


def _titled(schema, where: str) -> Iterator[tuple[str, dict]]:
    if not isinstance(schema, dict):
        return
    if "title" in schema:
        yield where or "(form)", schema
    for key, sub in (schema.get("properties") or {}).items():
        yield from _titled(sub, f"{where}.{key}" if where else key)
    if isinstance(schema.get("items"), dict):
        yield from _titled(schema["items"], f"{where}[]")
    for option in schema.get("oneOf") or []:
        if isinstance(option, dict) and "const" in option and "title" in option:
            yield f"{where or '(form)'}={option['const']}", option


def missing_english(schema: dict) -> list[tuple[str, str]]:
    """(where, message) for every title a person reads that has no English
    beside it (``decision=reject``: that option of ``decision``). Warnings."""
    return [(where, f"The title {sub.get('title')!r} has no English ({TITLE_EN}): English readers see it in Chinese.")
            for where, sub in _titled(schema, "")
            if not (isinstance(sub.get(TITLE_EN), str) and sub[TITLE_EN].strip())]
