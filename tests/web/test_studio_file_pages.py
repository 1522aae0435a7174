"""The studio's decision-table and form editor pages: for process admins
(editable) and auditors (read only), the 403 page for everyone else, links
from the process list and the modeler to every table and form a process
uses."""
import re


def test_the_list_links_each_process_to_its_tables_and_forms(web):
    html = web("process_admin").page("/studio/")
    row = re.search(r'<tr id="process-contract_shipment">(.*?)</tr>', html, re.S).group(1)
    assert 'href="/studio/decisions/contract_approval_authority.dmn"' in row
    assert 'href="/studio/forms/' in row
    files = re.search(r'<table class="list studio-files">(.*?)</table>', html, re.S).group(1)
    assert 'id="file-mail_order_terms.dmn"' in files and 'id="file-approval.json"' in files
    assert "决策表和表单" in html


def test_the_modeler_links_the_files_its_process_uses(web):
    html = web("process_admin").page("/studio/processes/contract_shipment")
    used = re.search(r'<section class="card studio-files-used".*?</section>', html, re.S).group(0)
    assert 'href="/studio/decisions/contract_approval_authority.dmn"' in used
    assert "mail_order_terms.dmn" not in used


def test_the_editor_pages_for_an_admin_and_an_auditor(web):
    admin = web("process_admin").page("/studio/decisions/contract_approval_authority.dmn")
    assert 'data-editable="true"' in admin and "vendor/studio/decisions.js" in admin and "运行测试" in admin
    auditor = web("auditor").page("/studio/decisions/contract_approval_authority.dmn")
    assert 'data-editable="false"' in auditor and "运行测试" not in auditor and "放弃草稿" not in auditor
    form = web("process_admin").page("/studio/forms/travel_request.json")
    assert "vendor/studio/forms.js" in form and 'id="form-palette"' in form and "预览" in form
    assert 'id="form-palette"' not in web("auditor").page("/studio/forms/travel_request.json")


def test_everyone_else_gets_403_and_unknown_files_404(web):
    for path in ("/studio/decisions/contract_approval_authority.dmn", "/studio/forms/approval.json"):
        response = web("rep_east1").get(path)
        assert response.status_code == 403 and "<html" in response.get_data(as_text=True)
    assert web("process_admin").get("/studio/decisions/approval.json").status_code == 404
    assert web("process_admin").get("/studio/forms/contract_approval_authority.dmn").status_code == 404
    assert web("process_admin").get("/studio/decisions/no_such.dmn").status_code == 404
