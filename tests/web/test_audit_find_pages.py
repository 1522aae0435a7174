"""The auditors' workbench and find page: auditors and process admins find
any request, everyone else gets the error page; the filter form is
bookmarkable (GET) and a bad argument names its field (400)."""
import re

import pytest

from tests.web.forms import TRIP_FORM


@pytest.fixture
def trips(web):
    """Two travel requests by two reps in two regions; their instance ids."""
    ids = []
    for rep, key, cost in (("rep_east1", "TR-E", "1280.50"), ("rep_north1", "TR-N", "9000")):
        response = web(rep).post("/start/travel_request", {**TRIP_FORM, "estimated_cost": cost, "business_key": key},
                                 token_from="/start/travel_request")
        assert response.status_code == 302, response.get_data(as_text=True)
        ids.append(int(re.search(r"/instances/(\d+)", response.headers["Location"]).group(1)))
    return ids


def _found(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'href="/instances/(\d+)">#', page)]


def test_auditor_finds_everyones_requests_in_chinese(web, trips):
    page = web("auditor").page("/audit/instances")
    assert '<html lang="zh-CN">' in page and "查找申请" in page and "共 2 条申请" in page
    assert _found(page) == list(reversed(trips))
    assert "rep_north1" in page and "rep_east1" in page and "¥9,000.00" in page


def test_filters_narrow_and_stay_in_the_form(web, trips):
    page = web("process_admin").page("/audit/instances?amount_min=5000&amount_max=10000&starter=&status=running")
    assert _found(page) == [trips[1]] and 'name="amount_min" value="5000"' in page
    assert _found(web("auditor").page("/audit/instances?business_key=TR-E")) == [trips[0]]


def test_sortable_headers_and_pages(web, trips):
    auditor = web("auditor")
    page = auditor.page("/audit/instances?sort=amount&per_page=1")
    assert _found(page) == [trips[0]] and "第 1 / 2 页" in page
    assert 'href="/audit/instances?sort=-amount&amp;per_page=1"' in page  # the header turns the order round
    assert _found(auditor.page("/audit/instances?sort=amount&per_page=1&page=2")) == [trips[1]]


def test_arguments_the_filter_does_not_read_are_left_out_of_its_links(web, trips):
    page = web("auditor").page("/audit/instances?_scheme=https&_external=1&_anchor=x&sort=amount&evil=%3Cb%3E")
    links = re.findall(r'href="(/audit/instances\?[^"]*)"', page)
    assert _found(page) == trips and links and all("evil" not in link and "_scheme" not in link for link in links)


def test_bad_argument_shows_the_form_again_naming_the_field(web, trips):
    response = web("auditor").get("/audit/instances?amount_min=lots")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "金额下限" in page and _found(page) == []


@pytest.mark.parametrize("who", ["rep_east1", "rm_east", "gm", "finance"])
@pytest.mark.parametrize("path", ["/audit/", "/audit/instances"])
def test_everyone_else_gets_the_error_page(web, who, path):
    response = web(who).get(path)
    assert response.status_code == 403 and "<html" in response.get_data(as_text=True)


def _nav(page: str) -> str:
    return re.search(r'<nav class="mainnav".*?</nav>', page, re.S).group(0)


def test_the_nav_takes_auditors_to_the_find_page(web):
    auditor = _nav(web("auditor").page("/"))
    assert 'href="/audit/instances"' in auditor and ">审计<" in auditor and 'href="/requests"' not in auditor
    admin = _nav(web("process_admin").page("/"))
    assert 'href="/audit/instances"' in admin and 'href="/requests"' in admin
    assert "/audit/" not in web("rep_east1").page("/")


def test_workbench_links_to_the_find_page(web):
    page = web("auditor").page("/audit/")
    assert "审计工作台" in page and 'href="/audit/instances"' in page
