"""F16 in the browser, in English: each price adjustment task (the
director's and the general manager's approval with the sheet and its
impact, the drafter's revision, the coverage gap for the sales office)
reads in English but for data, walked along the real flow in chromium.
Pictures in test-artifacts/english/price_adjustment-*; the Chinese pages
are the every-task walk's (test-artifacts/every-task/price_adjustment-*)."""
from tests.web.browser_driving import browser, live_app, live_server, person, world  # noqa: F401  (fixtures)
from tests.web.every_task_walks import price_adjustment
from tests.web.test_browser_english_forms import english  # noqa: F401  (a fixture)

TASKS = {"Task_DirectorApproval", "Task_GMApproval", "Task_ReviseSheet", "Task_CloseCoverageGap"}


def test_every_price_adjustment_task_reads_in_english(world, english):
    price_adjustment(world)
    seen = {element for process, element in english.seen if process == "price_adjustment"}
    assert seen == TASKS
    left = {element: texts for (process, element), texts in english.seen.items() if texts}
    assert left == {}
