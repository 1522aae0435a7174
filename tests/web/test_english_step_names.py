"""In English the employees' pages name processes and steps by the English
names their diagrams give (nameEn): the catalogue, the start form, the
inbox, my requests, the task page and the instance page."""
import re

from tests.support.flow_driver import ready_task_id

CJK = re.compile(r"[\u3400-\u9fff]")


def _english(user):
    user.post("/language", {"locale": "en"})
    return user


def _texts(page: str, pattern: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", found).strip() for found in re.findall(pattern, page, re.S)]


def test_the_catalogue_names_every_process_in_english(web):
    page = _english(web("rep_east1")).page("/start")
    names = _texts(page, r'<a class="tile"[^>]*>\s*<strong>(.*?)</strong>')
    assert "Travel request" in names and "Contract shipment" in names, names
    assert not [n for n in names if CJK.search(n)], names
    assert "出差申请" not in names


def test_the_start_form_is_titled_in_english(web):
    page = _english(web("rep_east1")).page("/start/travel_request")
    assert "<title>Travel request" in page and "› Travel request</p>" in page


def test_inbox_rows_and_my_requests_name_process_and_step_in_english(web, trip):
    manager = _english(web("rm_east"))
    page = manager.page("/")
    assert _texts(page, r'<a class="title"[^>]*>(.*?)</a>') == ["Direct manager approval"]
    assert _texts(page, r'<span class="process">(.*?)·') == ["Travel request"]
    assert '<option value="travel_request" >Travel request</option>' in page or ">Travel request</option>" in page
    requests = _english(web("rep_east1")).page("/requests")
    assert "Travel request</a>" in requests and "Direct manager approval" in requests
    assert "直接主管审批" not in requests and "出差申请</a>" not in requests


def test_the_task_page_is_titled_in_english(web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    page = _english(web("rm_east")).page(f"/tasks/{task_id}")
    assert re.search(r"<title>Direct manager approval", page)
    assert "<h1>Direct manager approval</h1>" in page
    assert "› Travel request</p>" in page
    assert "直接主管审批" not in page


def test_the_instance_page_names_the_process_current_step_and_timeline_in_english(web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    web("rm_east").post(f"/tasks/{task_id}", {"decision": "approve"}, token_from=f"/tasks/{task_id}")
    page = _english(web("rep_east1")).page(f"/instances/{trip}")
    assert re.search(r"<h1>Travel request <span", page)
    now = re.search(r'<p class="now">(.*?)</p>', page, re.S).group(1)
    assert _texts(now, r'<a href="/tasks/\d+">(.*?)</a>') == ["Department head approval"]  # (a person's name follows)
    timeline = _texts(page, r'<ol class="timeline">(.*?)</ol>')[0]
    assert "Direct manager approval" in timeline and "Department head approval" in timeline
    for chinese in ("直接主管审批", "部门经理审批", "出差申请"):
        assert chinese not in timeline, chinese
    steps = _texts(page, r'<ol class="steps">(.*?)</ol>')[0]
    assert "Direct manager approval" in steps and "直接主管审批" not in steps


def test_in_chinese_the_same_pages_keep_the_chinese_names(web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    assert "<h1>直接主管审批</h1>" in web("rm_east").page(f"/tasks/{task_id}")
    assert "<strong>出差申请</strong>" in web("rep_east1").page("/start")
