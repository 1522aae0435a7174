"""Expressions written for other engines, recognised so that lint can say
what to write instead of reporting a Python syntax error."""
import re

# Other engines' dialects: a FEEL range ``[250..1000]`` and a Camunda (JUEL)
# expression ``${amount > 1000}``. The engine reads cells as Python.
_FEEL_RANGE = re.compile(r"^([\[\](])\s*(.+?)\s*\.\.\s*(.+?)\s*([\])[])$")
_JUEL = re.compile(r"^[$#]\{(.*)\}$", re.DOTALL)


def dialect_hint(text: str) -> str | None:
    """What to write instead of a FEEL range or a Camunda expression, or None."""
    if match := _FEEL_RANGE.match(text):
        opening, low, high, closing = match.groups()
        lower = "<=" if opening == "[" else "<"
        upper = "<=" if closing == "]" else "<"
        return (f"{text!r} is a FEEL range, which the engine does not read; "
                f"write '{low} {lower} ? {upper} {high}'.")
    if match := _JUEL.match(text):
        return (f"{text!r} is a Camunda expression, which the engine does not read; "
                f"write the Python expression inside it: {match.group(1).strip()!r}.")
    return None
