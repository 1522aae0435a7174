"""The publish button and dialog of the decision-table and form pages: on
them for process admins, in both languages; not there for auditors; the
modeler's publish button carries the text it shows while the canvas lint
holds it."""
import json
import re


def _texts(html, node_id):
    return json.loads(re.search(rf'<script type="application/json" id="{node_id}">(.*?)</script>', html, re.S).group(1))


def test_admins_get_the_publish_dialog_on_tables_and_forms(web):
    admin = web("process_admin")
    for path, name in (("/studio/decisions/contract_approval_authority.dmn", "contract_approval_authority.dmn"),
                       ("/studio/forms/approval.json", "approval.json")):
        html = admin.page(path)
        assert 'id="studio-file-publish"' in html and 'id="studio-file-publish-dialog"' in html
        assert f"发布 {name}" in html and "变更说明" in html
        assert _texts(html, "studio-file-publish-texts")["published"] == "已发布：{n} 个流程生成了新版本。"
    admin.post("/language", {"locale": "en"})
    html = admin.page("/studio/forms/approval.json")
    assert "Publish approval.json" in html and "Change note" in html
    assert _texts(html, "studio-file-publish-texts")["published"] == "Published: {n} process(es) got a new version."


def test_auditors_get_no_publish_button(web):
    auditor = web("auditor")
    for path in ("/studio/decisions/contract_approval_authority.dmn", "/studio/forms/approval.json"):
        html = auditor.page(path)
        assert "studio-file-publish" not in html


def test_the_modeler_says_why_publishing_waits(web):
    html = web("process_admin").page("/studio/processes/travel_request")
    assert 'id="studio-publish-blocked"' in html
    assert _texts(html, "studio-publish-texts")["canvas_blocked"] == "暂不能发布：画布检查发现 {n} 个错误，请先修正。"
    assert "studio-publish-blocked" not in web("auditor").page("/studio/processes/travel_request")
