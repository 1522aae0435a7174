"""The returns report (app/services/report_returns.py, /reports/returns):
its figures equal those of the returns posted in the test, by reason,
customer, salesperson and product; a regional manager and a rep read only
their part whatever filter they forge; a bad month is refused naming it."""
import json
from decimal import Decimal
from pathlib import Path

import pytest

from app.errors import Forbidden, ValidationFailed
from app.services.report_returns import returns_report
from tests.support.report_documents import customer_of, returned, returned_through_f03, sold

D = Decimal
NOVEMBER = {"from": "2026-11", "to": "2026-11"}


@pytest.fixture
def returns(sales):
    """Four returns in November (two of rep_east1's customer, one of
    rep_east2's through F03, one in 华南) and one on 2026-12-01; each
    return's credited amount, from what the ledger answered when posting it."""
    east1, east2, south = customer_of("rep_east1"), customer_of("rep_east2"), customer_of("rep_south1")
    first = sold(east1, [("PCF001", 10), ("VGT001", 4)], "2026-11-03")
    second = sold(east2, [("PCF001", 10)], "2026-11-03", invoice=False)
    third = sold(south, [("PMS001", 5)], "2026-11-04")
    made = {
        "e1_quality": returned(first, 2, "2026-11-10", "quality_defect"),
        "e1_wrong": returned(first, 1, "2026-11-20", "wrong_goods", line_no=2),
        "e2_f03": returned_through_f03(second, 3, "2026-11-12", "quality_defect", defective=True),
        "south": returned(third, 1, "2026-11-14", "transport_damage"),
        "december": returned(first, 1, "2026-12-01", "overstock"),
    }
    return {key: -D(result["gross"]) for key, result in made.items()}, made


def _by(groups, key="key"):
    return {g[key]: (g["count"], g["amount"]) for g in groups}


def test_the_figures_are_those_of_the_returns_posted(org, returns):
    amount, made = returns
    report = returns_report(org("director"), NOVEMBER)
    november = [amount[k] for k in ("e1_quality", "e1_wrong", "e2_f03", "south")]
    assert report["total"] == {"count": 4, "amount": sum(november),
                               "net": sum(-D(made[k]["net"]) for k in ("e1_quality", "e1_wrong", "e2_f03", "south"))}
    assert _by(report["by_reason"]) == {"quality_defect": (2, amount["e1_quality"] + amount["e2_f03"]),
                                        "wrong_goods": (1, amount["e1_wrong"]), "transport_damage": (1, amount["south"])}
    east1, east2, south = (customer_of(u).code for u in ("rep_east1", "rep_east2", "rep_south1"))
    assert _by(report["by_customer"]) == {east1: (2, amount["e1_quality"] + amount["e1_wrong"]),
                                          east2: (1, amount["e2_f03"]), south: (1, amount["south"])}
    assert _by(report["by_salesperson"]) == {"rep_east1": (2, amount["e1_quality"] + amount["e1_wrong"]),
                                             "rep_east2": (1, amount["e2_f03"]), "rep_south1": (1, amount["south"])}
    products = {g["key"]: (g["count"], g["qty_text"], g["amount"]) for g in report["by_product"]}
    assert products == {"PCF001": (2, "5", amount["e1_quality"] + amount["e2_f03"]),
                        "VGT001": (1, "1", amount["e1_wrong"]), "PMS001": (1, "1", amount["south"])}
    f03 = next(r for r in report["rows"] if r["red_order"] == made["e2_f03"]["return_order_no"])
    assert (f03["number"], f03["disposition"]) == (made["e2_f03"]["return_no"], "quarantine")
    december = returns_report(org("director"), {"from": "2026-12"})
    assert december["filters"] == {"from": "2026-12", "to": "2026-12"}
    assert _by(december["by_reason"]) == {"overstock": (1, amount["december"])}


def test_the_reason_filter_narrows_every_table(org, returns):
    amount, _ = returns
    report = returns_report(org("director"), {**NOVEMBER, "reason": "quality_defect"})
    assert report["total"]["amount"] == amount["e1_quality"] + amount["e2_f03"]
    assert {g["key"] for g in report["by_salesperson"]} == {"rep_east1", "rep_east2"}


def test_a_regional_manager_reads_their_region_even_asking_for_another(org, returns):
    amount, _ = returns
    east = returns_report(org("rm_east"), NOVEMBER)
    assert east["total"]["amount"] == amount["e1_quality"] + amount["e1_wrong"] + amount["e2_f03"]
    forged = returns_report(org("rm_east"), {**NOVEMBER, "region": "华南"})
    assert forged["rows"] == [] and forged["total"]["amount"] == 0


def test_a_rep_reads_only_their_own_returns(org, returns):
    amount, _ = returns
    own = returns_report(org("rep_east2"), NOVEMBER)
    assert [r["salesperson"] for r in own["rows"]] == ["rep_east2"]
    assert own["total"]["amount"] == amount["e2_f03"]
    assert returns_report(org("rep_east2"), {**NOVEMBER, "region": "华东", "reason": "wrong_goods"})["rows"] == []


def test_people_outside_sales_are_refused(org, returns):
    with pytest.raises(Forbidden):
        returns_report(org("warehouse"), NOVEMBER)


@pytest.mark.parametrize("filters, field", [({"from": "2026-13"}, "from"), ({"from": "11/2026"}, "from"),
                                            ({"from": "2026-11", "to": "2026-10"}, "to"), ({"to": "1899-01"}, "to")])
def test_a_bad_month_is_refused_naming_it(org, filters, field):
    with pytest.raises(ValidationFailed) as refused:
        returns_report(org("director"), filters)
    assert field in refused.value.details["fields"]


def test_the_reason_names_are_those_of_the_request_form(app):
    from flask_babel import force_locale

    from app.web.report_returns import REASON_NAMES

    form = json.loads((Path(__file__).resolve().parents[2] / "forms" / "return_request.json").read_text(encoding="utf-8"))
    options = form["properties"]["reason"]["oneOf"]
    with app.test_request_context():
        with force_locale("en"):
            assert {o["const"]: o["x-title-en"] for o in options} == {k: str(v) for k, v in REASON_NAMES.items()}
        with force_locale("zh"):
            assert {o["const"]: o["title"] for o in options} == {k: str(v) for k, v in REASON_NAMES.items()}
