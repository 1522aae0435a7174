"""The inbox page writes each row's links from one url_for per endpoint
(inbox_rows._TaskLinks); a link so built is the link url_for builds, for
any id and under a mount prefix."""
import pytest
from flask import url_for

from app.web.inbox_rows import _SAMPLE_ID, _TaskLinks

ENDPOINTS = ("web.task", "web.claim", "web.release", "web.delegate")


@pytest.mark.parametrize("prefix", ["", "/lanes"])
def test_a_row_link_is_the_link_url_for_builds(app, prefix):
    with app.test_request_context("/", base_url=f"http://localhost{prefix}/"):
        links = _TaskLinks(*ENDPOINTS)
        for task_id in (1, 9, 98, 987, 2147483647, _SAMPLE_ID, _SAMPLE_ID * 2):
            for endpoint in ENDPOINTS:
                built = links.of(endpoint, task_id)
                assert built == url_for(endpoint, task_id=task_id), (endpoint, task_id)
                assert built.startswith(prefix + "/tasks/")
