"""The advances report (app/services/report_advances.py): outstanding as of
a day equals paid − claimed − returned up to that day for the advances
posted in the test, aged into 0–30, 31–60, 61–90, >90 days; a rep reads
their own, a regional manager their region's people."""
from decimal import Decimal

import pytest

from app.errors import ValidationFailed
from app.services.report_advances import advances_report, bucket_of
from tests.support.report_documents import act

D = Decimal
AS_OF = {"as_of": "2026-11-30"}


@pytest.fixture
def advances(org):
    """rep_east1: 5000 paid 2026-08-01 (1200 claimed and 300 returned on
    11-10, 1000 more claimed on 12-01) by request 42; rep_east2: 800 paid
    10-20; rep_south1: 2000 paid 11-15; rm_east: 600 paid 09-15, fully
    settled 10-01; a rep_east2 advance paid 12-01 (after the day)."""
    made = {"east1": act("ledger.pay_advance", instance_id=42, employee="rep_east1", amount="5000", purpose="展会",
                         date="2026-08-01"),
            "east2": act("ledger.pay_advance", employee="rep_east2", amount="800", purpose="拜访", date="2026-10-20"),
            "south": act("ledger.pay_advance", employee="rep_south1", amount="2000", purpose="推广", date="2026-11-15"),
            "rm": act("ledger.pay_advance", employee="rm_east", amount="600", purpose="会议", date="2026-09-15"),
            "late": act("ledger.pay_advance", employee="rep_east2", amount="100", purpose="晚", date="2026-12-01")}
    act("ledger.settle_advance", advance=made["east1"]["advance_no"], returned="300", date="2026-11-10",
        claim_lines=[{"category": "展位费", "amount": "1200"}])
    act("ledger.settle_advance", advance=made["east1"]["advance_no"], date="2026-12-01",
        claim_lines=[{"category": "差旅费", "amount": "1000"}])
    act("ledger.settle_advance", advance=made["rm"]["advance_no"], close=True, date="2026-10-01",
        claim_lines=[{"category": "会议费", "amount": "450"}])
    return made


def test_bucket_edges():
    assert [bucket_of(d) for d in (0, 30, 31, 60, 61, 90, 91)] == ["0-30", "0-30", "31-60", "31-60", "61-90", "61-90", "90+"]


def test_outstanding_as_of_a_day_per_employee_and_region(org, advances):
    report = advances_report(org("director"), AS_OF)
    rows = {r["employee"]: (r["outstanding"], r["age"], r["bucket"]) for r in report["rows"]}
    assert rows == {"rep_east1": (D("3500.00"), 121, "90+"), "rep_east2": (D("800.00"), 41, "31-60"),
                    "rep_south1": (D("2000.00"), 15, "0-30")}
    regions = {g["key"]: (g["count"], g["total"], g["0-30"], g["31-60"], g["90+"]) for g in report["by_region"]}
    assert regions == {"华东": (2, D("4300.00"), 0, D("800.00"), D("3500.00")), "华南": (1, D("2000.00"), D("2000.00"), 0, 0)}
    assert report["total"]["total"] == D("6300.00")
    east1 = next(r for r in report["rows"] if r["employee"] == "rep_east1")
    assert east1["instance_id"] == 42 and east1["settled"] == D("1500.00")
    # a day later the December claim and advance count
    later = advances_report(org("director"), {"as_of": "2026-12-01"})
    assert {r["employee"]: r["outstanding"] for r in later["rows"]}["rep_east1"] == D("2500.00")
    assert later["total"]["total"] == D("5400.00")


def test_a_rep_reads_their_own_and_a_manager_their_region(org, advances):
    assert [r["employee"] for r in advances_report(org("rep_east2"), AS_OF)["rows"]] == ["rep_east2"]
    assert advances_report(org("rep_east2"), {**AS_OF, "region": "华南"})["rows"] == []
    east = advances_report(org("rm_east"), {**AS_OF, "region": "华南"})
    assert east["rows"] == []
    assert {r["employee"] for r in advances_report(org("rm_east"), AS_OF)["rows"]} == {"rep_east1", "rep_east2"}


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "1899-01-01x", "1899-01-01"])
def test_a_bad_day_is_refused_naming_it(org, value):
    with pytest.raises(ValidationFailed) as refused:
        advances_report(org("director"), {"as_of": value})
    assert "as_of" in refused.value.details["fields"]
