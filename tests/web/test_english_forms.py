"""Forms and what tasks show read in the reader's language: every title a
person reads in forms/*.json has English beside it (``x-title-en``), every
key of the glossary of shown ledger fields has English, and a task page is
English in English mode and Chinese otherwise (Chinese where English is
missing)."""
import json
import re
from pathlib import Path

import pytest

from app import form_titles
from app.services import shown_labels, shown_labels_en, shown_words
from tests.support.flow_driver import ready_task_id

FORMS = sorted((Path(__file__).resolve().parents[2] / "forms").glob("*.json"))
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _plain_enums(schema, where=""):
    if isinstance(schema, dict):
        if schema.get("enum") and not schema.get("oneOf"):
            yield where, schema
        for key, sub in schema.items():
            yield from _plain_enums(sub, f"{where}/{key}")
    elif isinstance(schema, list):
        for index, sub in enumerate(schema):
            yield from _plain_enums(sub, f"{where}/{index}")


@pytest.mark.parametrize("path", FORMS, ids=[path.name for path in FORMS])
def test_every_title_a_person_reads_has_english(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert form_titles.missing_english(schema) == []
    for where, enum in _plain_enums(schema):  # a choice of Chinese words: its English in order (regions are master data)
        if any(CJK.search(str(value)) for value in enum["enum"]) and not where.endswith("/region"):
            english = enum.get("x-enum-en") or []
            assert len(english) == len(enum["enum"]) and not any(CJK.search(text) for text in english), where
    english = re.findall(r'"x-title-en":\s*"((?:[^"\\]|\\.)*)"', path.read_text(encoding="utf-8"))
    assert english and [text for text in english if CJK.search(text) or not text.strip()] == []


def test_every_glossary_key_has_english():
    assert sorted(set(shown_labels.LABELS) - set(shown_labels_en.LABELS_EN)) == []
    assert sorted(set(shown_labels.DOCUMENT_TITLES) - set(shown_labels_en.DOCUMENT_TITLES_EN)) == []
    for key, codes in shown_labels.VALUE_LABELS.items():
        assert sorted(set(codes) - set(shown_labels_en.VALUE_LABELS_EN.get(key, {}))) == [], key
    for within, labels in shown_labels.LABELS_WITHIN.items():
        assert sorted(set(labels) - set(shown_labels_en.LABELS_WITHIN_EN.get(within, {}))) == [], within
    english = [*shown_labels_en.LABELS_EN.values(), *shown_labels_en.DOCUMENT_TITLES_EN.values(),
               *(text for codes in shown_labels_en.VALUE_LABELS_EN.values() for text in codes.values())]
    assert [text for text in english if CJK.search(text)] == []


def test_chinese_is_the_fallback():
    option = {"oneOf": [{"const": "a", "title": "甲", "x-title-en": "A"}, {"const": "b", "title": "乙"}]}
    assert form_titles.options(option, "en") == [("a", "A"), ("b", "乙")]
    assert form_titles.options(option, "zh_CN") == [("a", "甲"), ("b", "乙")]
    assert form_titles.title({"title": "甲", "x-title-en": "  "}, "en") == "甲"
    plain = {"enum": ["飞机", "火车"], "x-enum-en": ["Plane", "Train"]}
    assert form_titles.options(plain, "en") == [("飞机", "Plane"), ("火车", "Train")]
    assert form_titles.option_title(plain, "火车") == "火车" and form_titles.option_title(plain, "火车", "en") == "Train"
    assert form_titles.missing_english({"title": "表", "x-title-en": "Form", "properties": {"x": {"title": "甲"}, "y": option},
                                        "items": {}}) == [
        ("x", "The title '甲' has no English (x-title-en): English readers see it in Chinese."),
        ("y=b", "The title '乙' has no English (x-title-en): English readers see it in Chinese.")]
    assert shown_words.label("held", "en") == "Credit hold" and shown_words.label("held") == "信用暂停"
    assert shown_words.label("no_such_key", "en") is None
    assert shown_words.document_title("shipping_note", "en") == "Shipping note"
    assert shown_words.value_label("route", "city", "en") == "In town" and shown_words.value_label("route", "x", "en") is None


def test_a_task_form_and_what_it_shows_read_in_the_readers_language(web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    manager = web("rm_east")
    chinese = manager.page(f"/tasks/{task_id}")
    for text in ("审批说明", ">同意<", ">驳回<", "出差地点", "预计费用（元）"):
        assert text in chinese, text
    manager.post("/language", {"locale": "en"})
    english = manager.page(f"/tasks/{task_id}")
    for text in ("Comment", ">Approve<", ">Reject<", "Destination", "Estimated cost (CNY)", "Train"):
        assert text in english, text
    for text in ("审批说明", ">同意<", ">驳回<", "出差地点", "预计费用（元）", "火车"):
        assert text not in english, text
    manager.post(f"/tasks/{task_id}", {"decision": "approve"}, token_from=f"/tasks/{task_id}")
    page = manager.page(f"/instances/{trip}")  # the start form's fields, titled in English
    assert "Destination" in page and "出差地点" not in page
    manager.post("/language", {"locale": "zh_CN"})
    assert "出差地点" in manager.page(f"/instances/{trip}")
