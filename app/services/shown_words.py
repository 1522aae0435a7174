"""The glossary of what tasks show, in the reader's language: Chinese
(app/services/shown_labels.py) unless the caller passes ``locale="en"``,
then English (app/services/shown_labels_en.py), Chinese where the English
is missing. The caller says the locale: nothing here reads a request."""
from app.services.shown_labels import DOCUMENT_TITLES, LABELS, LABELS_WITHIN, VALUE_LABELS
from app.services.shown_labels_en import DOCUMENT_TITLES_EN, LABELS_EN, LABELS_WITHIN_EN, VALUE_LABELS_EN

EN = "en"


def label(key: str, locale: str | None = None, within: str | None = None) -> str | None:
    """The title of ledger key ``key`` (inside object ``within`` when it means
    something else there), or None when the glossary has none."""
    if locale == EN:
        found = LABELS_WITHIN_EN.get(within, {}).get(key) or LABELS_EN.get(key)
        if found:
            return found
    return LABELS_WITHIN.get(within, {}).get(key) or LABELS.get(key)


def document_title(kind: str, locale: str | None = None) -> str:
    """A ledger document kind as a reader says it (``shipping_note`` → 出货单 / Shipping note)."""
    return (DOCUMENT_TITLES_EN.get(kind) if locale == EN else None) or DOCUMENT_TITLES.get(kind, kind)


def value_label(key: str, value, locale: str | None = None) -> str | None:
    """A ledger code as a reader says it (status ``held`` → 信用暂停 / Credit hold), or None."""
    if locale == EN:
        found = VALUE_LABELS_EN.get(key, {}).get(str(value))
        if found:
            return found
    return VALUE_LABELS.get(key, {}).get(str(value))
