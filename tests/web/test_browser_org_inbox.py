"""The factory's keeper opens his inbox in chromium and finds the supplier's
step of a cross-organisation sale (F18) there, while HQ's keeper does not:
pictured in test-artifacts/org-inbox/."""
from playwright.sync_api import expect

from tests.support.cross_org_flow import DEALER
from tests.web.browser_driving import browser, live_app, live_server, person, world  # noqa: F401  (fixtures)
from tests.web.browser_driving import shot


def test_the_factorys_keeper_finds_the_suppliers_step_in_his_inbox(world, person, live_server):
    order = {"customer": world.customer(DEALER), "warehouse": "FAC1", "mode": "via_buyer", "order_date": "2026-12-01",
             "lines": [{"material": "MTR001", "qty": 2}]}
    instance = world.start("cross_org_sale", order, "order_clerk", business_key="XO-ORG-1")
    world.approve(instance, "Task_ReviewOrder", "sales_admin")
    factory = person("fac_keeper")
    factory.goto(live_server + "/")
    row = factory.locator("li.task", has_text="XO-ORG-1")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("供货组织签署调拨订单")
    shot(factory, "org-inbox", "01-factory-keeper-sees-the-signing-step")
    keeper = person("warehouse")
    keeper.goto(live_server + "/")
    expect(keeper.locator("li.task", has_text="XO-ORG-1")).to_have_count(0)
    shot(keeper, "org-inbox", "02-hq-keeper-does-not")
