"""The diagram XML the instance page's viewer loads: lanes read as role
names in the reader's language (the URL names it, so each language is
cached apart); the page loads the viewer, its minimap and the zoom buttons
from our own static files."""
import json
import re

from lxml import etree

BPMN = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


def _lanes(response) -> list[str]:
    assert response.status_code == 200 and response.mimetype == "application/xml"
    return [lane.get("name") for lane in etree.fromstring(response.data).iterfind(".//bpmn:lane", BPMN)]


def test_lanes_are_role_names_in_the_language_of_the_url(web, trip):
    rep = web("rep_east1")
    chinese = _lanes(rep.get(f"/instances/{trip}/diagram.bpmn?lang=zh_CN"))
    english = _lanes(rep.get(f"/instances/{trip}/diagram.bpmn?lang=en"))
    assert chinese == ["申请人", "申请人的直属上级", "申请人的部门负责人", "总经理"]
    assert english == ["Requester", "Requester's manager", "Requester's department head", "General manager"]
    xml = rep.get(f"/instances/{trip}/diagram.bpmn?lang=en").data
    assert b'id="Task_ManagerApproval"' in xml and b"@requester" not in xml


def test_without_a_language_the_readers_own_is_used(web, trip):
    rep = web("rep_east1")
    assert _lanes(rep.get(f"/instances/{trip}/diagram.bpmn"))[0] == "申请人"
    rep.post("/language", {"locale": "en", "next": f"/instances/{trip}"})
    page = rep.page(f"/instances/{trip}")
    assert f'data-url="/instances/{trip}/diagram.bpmn?lang=en"' in page
    assert _lanes(rep.get(f"/instances/{trip}/diagram.bpmn"))[0] == "Requester"


def test_an_unknown_language_is_refused_naming_the_field(web, trip):
    response = web("rep_east1").get(f"/instances/{trip}/diagram.bpmn?lang=fr")
    assert response.status_code == 400 and "lang" in response.get_data(as_text=True)


def test_the_page_has_the_view_buttons_hint_and_minimap_from_static_files(web, trip):
    page = web("rep_east1").page(f"/instances/{trip}")
    for label in ("放大", "缩小", "显示整张流程图", "回到当前步骤"):
        assert re.search(rf'<button type="button"[^>]*aria-label="{label}" title="{label}"', page), label
    assert "拖动流程图或在图上用方向键移动" in page
    assert "/assets/vendor/diagram-js-minimap/diagram-minimap.umd.prod.js" in page
    assert "/assets/vendor/diagram-js-minimap/assets/diagram-js-minimap.css" in page
    texts = re.search(r'<script type="application/json" id="diagram-texts">(.*?)</script>', page, re.S).group(1)
    assert json.loads(texts) == {"Open minimap": "打开缩略图", "Close minimap": "关闭缩略图"}
