"""Every field of every form in forms/ renders with the widget it had when
the renderer still guessed kinds (money from "元" in a title): the widget,
its input attributes and whether its read-only value reads as money, compared
with a snapshot taken on that renderer.

The snapshot (form_widget_snapshot.json) was made once, at commit d195862,
by running ``write_snapshot()`` below:

    .venv/bin/python -c \\
        "from tests.web.test_form_widget_snapshot import write_snapshot; write_snapshot()"

Do not make it again to turn this test green: a difference is a form that
renders differently from before. Make it again only for a change meant to
alter rendering, and say so in that commit."""
import json
from pathlib import Path

import pytest

from app.form_kinds import is_money
from app.web.form_fields import build_fields

ROOT = Path(__file__).resolve().parents[2]
FORMS = sorted((ROOT / "forms").glob("*.json"))
SNAPSHOT = Path(__file__).parent / "form_widget_snapshot.json"


def _rendered(fields, found: dict) -> dict:
    for f in fields:
        found[f.name] = {"widget": f.widget, "attrs": f.attrs, "money": is_money(f.schema)}
        _rendered(f.columns, found)  # lines and lists: the cells of a blank row
        _rendered(f.children, found)  # groups
    return found


def widgets_of(path: Path) -> dict:
    """Input name → how that field renders, for every field of the form."""
    return _rendered(build_fields(json.loads(path.read_text(encoding="utf-8"))), {})


def write_snapshot() -> None:
    snapshot = {path.name: widgets_of(path) for path in FORMS}
    SNAPSHOT.write_text(json.dumps(snapshot, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def test_the_snapshot_covers_every_form():
    assert sorted(json.loads(SNAPSHOT.read_text(encoding="utf-8"))) == [path.name for path in FORMS]


@pytest.mark.parametrize("path", FORMS, ids=[path.name for path in FORMS])
def test_every_field_renders_as_before(path):
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))[path.name]
    assert json.loads(json.dumps(widgets_of(path))) == expected
