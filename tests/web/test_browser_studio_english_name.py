"""In the browser, as the process admin: the platform's panel shows a step's
English name (its nameEn property) and a typed one lands in the draft as
that property, the Chinese name untouched; a participant's English name is
its process's too. Pictures go to test-artifacts/english/."""
import pytest
from lxml import etree
from sqlalchemy import select

from app.extensions import db
from app.models import StudioDraft
from app.workflow.xml_names import NS, spiff_properties
from tests.web.browser_driving import browser, live_app, live_server, person, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.real_clock
TASK = "Task_GMApproval"


def _draft(app):
    with app.app_context():
        xml = db.session.scalar(select(StudioDraft.xml).where(StudioDraft.process_key == "travel_request"))
        db.session.remove()
    return etree.fromstring(xml.encode()) if xml else None


def _element(tree, element_id):
    return tree.xpath("//*[@id=$id]", id=element_id)[0]


def _select(page, element_id):
    page.evaluate("id => { const s = window.lanesStudio; s.get('selection').select(s.get('elementRegistry').get(id)); }",
                  element_id)
    page.wait_for_selector('[data-group-id="group-lanes-platform"]')


def _landed(page, app, element_id, value):
    for _ in range(120):  # debounced typing, then the autosave
        tree = _draft(app)
        if tree is not None and spiff_properties(_element(tree, element_id)).get("nameEn") == value:
            return tree
        page.wait_for_timeout(250)
    raise AssertionError(f"{element_id}: nameEn {value!r} not saved")


def test_the_english_name_is_shown_edited_and_saved_as_the_name_en_property(person, live_server, live_app):
    page = person("process_admin")
    page.goto(live_server + "/studio/processes/travel_request")
    page.wait_for_selector(f'.djs-element[data-element-id="{TASK}"]')
    _select(page, TASK)
    english = page.get_by_label("英文名称", exact=True)
    assert english.input_value() == "GM approval"
    english.fill("General manager approval")
    tree = _landed(page, live_app, TASK, "General manager approval")
    assert _element(tree, TASK).get("name") == "总经理审批"
    props = spiff_properties(_element(tree, TASK))
    assert props["formJsonSchemaFilename"] == "approval.json" and props["approval"] == "true"
    shot(page, "english", "studio-english-name")

    _select(page, "Participant_TravelRequest")
    page.get_by_label("英文名称", exact=True).fill("Business trip request")
    tree = _landed(page, live_app, "Participant_TravelRequest", "Business trip request")
    assert spiff_properties(tree.xpath("//bpmn:process", namespaces=NS)[0])["nameEn"] == "Business trip request"
    assert person.errors == []
