"""Readable, translated texts for the validator's English messages and the
services' error codes (the API keeps the originals)."""
import re

from flask_babel import gettext, lazy_gettext

_RULES = [
    (re.compile(r"is a required property"), lambda m: gettext("Please fill this in.")),
    (re.compile(r"should be non-empty|is too short|does not match '\\\\S'"), lambda m: gettext("Please fill this in.")),
    (re.compile(r"is not of type '(number|integer)'"), lambda m: gettext("Please enter a number.")),
    (re.compile(r"is not of type 'boolean'"), lambda m: gettext("Please tick or untick this box.")),
    (re.compile(r"is not of type"), lambda m: gettext("This value has the wrong form.")),
    (re.compile(r"is less than the minimum of (\S+)"), lambda m: gettext("Must be at least %(n)s.", n=m.group(1))),
    (re.compile(r"is greater than the maximum of (\S+)"), lambda m: gettext("Must be at most %(n)s.", n=m.group(1))),
    (re.compile(r"is not a multiple of (0\.01|0\.010*)\b"), lambda m: gettext("At most two decimals (fen).")),
    (re.compile(r"is not a multiple of (\S+)"), lambda m: gettext("Must be a multiple of %(n)s.", n=m.group(1))),
    (re.compile(r"is too long|is expected to be empty|has too many"), lambda m: gettext("This is too long.")),
    (re.compile(r"is not a '(date|date-time)'"), lambda m: gettext("Please enter a valid date.")),
    (re.compile(r"is not one of|is not valid under any of the given schemas"), lambda m: gettext("Please choose one of the options.")),
    (re.compile(r"does not match"), lambda m: gettext("This does not have the expected format.")),
    (re.compile(r"has non-unique elements"), lambda m: gettext("Each entry may appear only once.")),
    (re.compile(r"No active user"), lambda m: gettext("There is no active user with this name.")),
    (re.compile(r"delegate a task to yourself"), lambda m: gettext("You cannot hand a task to yourself.")),
    (re.compile(r"Additional properties are not allowed"), lambda m: gettext("This field is not part of the form.")),
    # the platform's bounds (app/bounds.py, app/services/form_bounds.py)
    (re.compile(r"^Longer than (\d+) characters"), lambda m: gettext("At most %(n)s characters.", n=m.group(1))),
    (re.compile(r"^More than (\d+) items"), lambda m: gettext("At most %(n)s entries.", n=m.group(1))),
    (re.compile(r"^Must be between (\S+) and (\S+)\.$"),
     lambda m: gettext("Please enter a date from %(first)s to %(last)s.", first=m.group(1), last=m.group(2))),
    (re.compile(r"in magnitude"), lambda m: gettext("This number is too large.")),
    (re.compile(r"^Must not be before "), lambda m: gettext("Must not be earlier than the date it follows.")),
    # picked order lines (app/services/reference_checks.py)
    (re.compile(r"^Not an order line reference"), lambda m: gettext("Enter an order line such as SO202612-0001/1.")),
    (re.compile(r"^No order line "), lambda m: gettext("There is no such order line.")),
    (re.compile(r"^Order line \S+ belongs to another customer"),
     lambda m: gettext("This order line belongs to another customer.")),
    (re.compile(r"has nothing shipped and not yet invoiced"),
     lambda m: gettext("This order line has nothing shipped and not yet invoiced.")),
    (re.compile(r"NUL characters|lone surrogates"), lambda m: gettext("This text contains characters that cannot be stored.")),
]


def readable(message: str) -> str:
    for pattern, text in _RULES:
        match = pattern.search(message)
        if match:
            return text(match)
    return message


def readable_fields(fields: dict) -> dict[str, list[str]]:
    """details.fields with each message made readable (duplicates dropped)."""
    result: dict[str, list[str]] = {}
    for path, messages in (fields or {}).items():
        for message in messages if isinstance(messages, list) else [messages]:
            text = readable(str(message))
            if text not in result.setdefault(path, []):
                result[path].append(text)
    return result


ERROR_CODES = {
    "claimed_by_other": lazy_gettext("Someone else has claimed this task."),
    "task_not_ready": lazy_gettext("This task has already been completed or cancelled."),
    "segregation_of_duties": lazy_gettext(
        "Segregation of duties: nobody approves their own request, two steps of one stage, or what they made."),
    "not_releasable": lazy_gettext("This task was given to you by its lane; delegate it instead of releasing it."),
    "read_only": lazy_gettext("Auditors can read everything and change nothing."),
    "forbidden": lazy_gettext("You may not do this."),
    "not_found": lazy_gettext("This page does not exist."),
    "conflict": lazy_gettext("Someone changed this request at the same time; please try again."),
    "stale_instance": lazy_gettext("Someone changed this request at the same time; please try again."),
    "instance_busy": lazy_gettext("Someone changed this request at the same time; please try again."),
    "validation_failed": lazy_gettext("Some fields need your attention."),
    "instance_ended": lazy_gettext("This request has already ended."),
    "instance_suspended": lazy_gettext("A process administrator has suspended this request; it waits until resumed."),
    "unauthenticated": lazy_gettext("Please sign in first."),
    "internal_error": lazy_gettext("Something went wrong on our side; please try again later."),
    "bad_request": lazy_gettext("The request could not be understood."),
}


def error_text(code: str | None, fallback: str = "") -> str:
    """The reader's-language sentence for a service error code."""
    text = ERROR_CODES.get(code or "")
    return str(text) if text is not None else fallback
