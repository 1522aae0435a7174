"""My requests, the instance page with its diagram data, and the timeline."""
import json
import re

from tests.support.flow_driver import ready_task_id


def _marks(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="diagram-marks">(.*?)</script>', page, re.S).group(1))


def test_pages_need_login(client, trip):
    from tests.support.logins import forget_request_caches

    forget_request_caches()
    for url in ("/requests", f"/instances/{trip}", f"/instances/{trip}/diagram.bpmn"):
        assert client.get(url).status_code == 302, url


def test_my_requests_lists_started_and_acted_in(web, trip):
    page = web("rep_east1").page("/requests")
    assert "出差申请" in page and "TR-7" in page and "办理中" in page and "直接主管审批" in page
    assert "TR-7" not in web("rm_east").page("/requests")  # not acted yet
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    web("rm_east").post(f"/tasks/{task_id}", {"decision": "approve"}, token_from=f"/tasks/{task_id}")
    page = web("rm_east").page("/requests")
    assert "TR-7" in page and "部门经理审批" in page
    assert "TR-7" not in web("rep_east1").page("/requests?status=completed")
    assert "TR-7" in web("rep_east1").page("/requests?q=tr-7")


def test_instance_page_has_the_diagram_marks_and_timeline(web, trip):
    rep = web("rep_east1")
    page = rep.page(f"/instances/{trip}")
    assert 'data-url="/instances/%d/diagram.bpmn?lang=zh_CN"' % trip in page
    assert "/assets/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js" in page
    assert "http://" not in page.replace('http://www.w3.org', '') and "https://" not in page  # no CDN
    marks = _marks(page)
    assert marks["active"] == ["Task_ManagerApproval"]
    assert marks["arrivals"] == ["Task_CheckTraveller", "Task_ManagerApproval"]  # the applicability check ran first
    assert "提交申请" in page and "等待办理" in page
    xml = rep.get(f"/instances/{trip}/diagram.bpmn")
    assert xml.status_code == 200 and xml.mimetype == "application/xml" and b"Task_ManagerApproval" in xml.data


def test_completed_instance_marks_every_step_done(web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    web("rm_east").post(f"/tasks/{task_id}", {"decision": "approve"}, token_from=f"/tasks/{task_id}")
    head = ready_task_id(trip, "Task_DepartmentHeadApproval")
    web("director").post(f"/tasks/{head}", {"decision": "approve"}, token_from=f"/tasks/{head}")
    page = web("rep_east1").page(f"/instances/{trip}")
    marks = _marks(page)
    assert marks["ended"] is True and marks["active"] == []
    assert marks["done"] == ["Task_CheckTraveller", "Task_DepartmentHeadApproval", "Task_ManagerApproval"]
    assert "已完成" in page and "申请已办结" in page


def test_outsiders_cannot_see_the_instance_or_its_diagram(web, trip):
    outsider = web("rep_south1")
    assert outsider.get(f"/instances/{trip}").status_code == 403
    assert outsider.get(f"/instances/{trip}/diagram.bpmn").status_code == 403
    assert outsider.get("/instances/999999").status_code == 404
    assert web("auditor").get(f"/instances/{trip}").status_code == 200  # auditors read everything


def test_ids_past_the_database_range_are_not_found(web, trip):
    """A 20-digit id in the address is a readable 404, never a database error."""
    user = web("rep_east1")
    huge = "9" * 20
    for url in (f"/instances/{huge}", f"/instances/{huge}/diagram.bpmn", f"/tasks/{huge}",
                f"/instances/{huge}/attachments/{'0' * 64}"):
        assert user.client.get(url).status_code == 404, url
