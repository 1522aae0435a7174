"""The versioned sales assessment scheme (销售考核方案): the version in force
for a month sets the charge, posted charges keep their version, versions are
approved only by a sales director or the general manager and never change."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.actions import BusinessRuleViolation
from app.extensions import db
from app.ledger.assessment_schemes import add_scheme_version, scheme_in_force
from app.models import AssessmentScheme, CollectionAssessment, PostedRecordImmutable, User
from tests.support.assessment_schemes import approve_scheme
from tests.support.ledger_harness import all_invariants_hold


def _collect(act, sell, amount, day):
    sell("D00001", [("P200", 1)])  # 1130 incl. VAT (1000.00 net) vs KEY 900 net: 100.00 difference
    receipt = act("ledger.record_receipt", customer="D00001", amount=amount, date=day)
    act("ledger.allocate_receipt", receipt=receipt["receipt_no"], date=day)


def test_the_month_before_the_second_version_uses_v1_and_the_month_after_v2(world, act, sell):
    approve_scheme("KEY")  # v1: the whole difference
    approve_scheme("KEY", valid_from=date(2026, 11, 15), pct="40")  # v2: 40 %, in force for November (ends after 11-15)
    assert (scheme_in_force("2026-10").label, scheme_in_force("2026-11").label) == ("KH/v1", "KH/v2")
    _collect(act, sell, "565", "2026-10-20")  # half collected in October
    _collect(act, sell, "565", "2026-11-05")  # half collected in November
    october = act("ledger.charge_assessment", salesperson="rep_test", month="2026-10", date="2026-11-30")
    november = act("ledger.charge_assessment", salesperson="rep_test", month="2026-11", date="2026-11-30")
    assert (october["scheme"], october["amount"]) == ("KH/v1", "50.00")
    assert (november["scheme"], november["amount"]) == ("KH/v2", "20.00")
    assert all_invariants_hold()


def test_a_posted_charge_keeps_the_version_it_was_computed_with(world, act, sell):
    approve_scheme("KEY")
    _collect(act, sell, "1130", "2026-11-05")
    preview = act("ledger.preview_assessment", salesperson="rep_test", month="2026-11")
    charged = act("ledger.charge_assessment", salesperson="rep_test", month="2026-11", scheme=preview["scheme"],
                  date="2026-11-30")
    assert (charged["scheme"], charged["amount"]) == ("KH/v1", "100.00")
    approve_scheme("KEY", valid_from=date(2026, 11, 2), pct="10")  # a later version for the same month
    assessment = db.session.scalar(select(CollectionAssessment))
    db.session.expire_all()
    assert (assessment.scheme.label, assessment.scheme.charge_pct, assessment.amount) == ("KH/v1", Decimal("100"),
                                                                                         Decimal("100.00"))
    assert scheme_in_force("2026-11").label == "KH/v2"
    from app.services.ledger_queries import document

    assert document("collection_assessment", charged["assessment_no"])["document"]["scheme"] == "KH/v1"
    assert all_invariants_hold()


def test_a_charge_reviewed_under_another_version_is_refused(world, act, sell):
    approve_scheme("KEY")
    _collect(act, sell, "1130", "2026-11-05")
    preview = act("ledger.preview_assessment", salesperson="rep_test", month="2026-11")
    approve_scheme("STD", valid_from=date(2026, 11, 2))
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.charge_assessment", salesperson="rep_test", month="2026-11", scheme=preview["scheme"],
            date="2026-11-30")
    assert raised.value.code == "scheme_changed" and raised.value.details == {"reviewed": "KH/v1", "in_force": "KH/v2"}
    assert db.session.scalar(select(CollectionAssessment)) is None


@pytest.mark.parametrize("who, changes, code", [
    ("rep_test", {}, "not_a_scheme_approver"),
    ("director_test", {"charge_pct": "150"}, "invalid_charge_pct"),
    ("director_test", {"charge_pct": "abc"}, "invalid_charge_pct"),
    ("director_test", {"base_price_list": "NOPE"}, "unknown_price_list"),
    ("director_test", {"valid_from": date(2026, 1, 1)}, "scheme_backdated"),
    ("gm_test", {"code": " "}, "invalid_scheme"),
])
def test_scheme_versions_are_refused(world, who, changes, code):
    approve_scheme("KEY")
    approver = db.session.scalar(select(User).where(User.username == who))
    params = {"code": "KH", "name": "回款考核方案", "valid_from": date(2026, 12, 1), "base_price_list": "KEY",
              "charge_pct": "50", **changes}
    with pytest.raises(BusinessRuleViolation) as raised:
        add_scheme_version(approver=approver, **params)
    assert raised.value.code == code


def test_a_version_never_changes(world):
    scheme = approve_scheme("KEY")
    scheme.charge_pct = Decimal("10")
    with pytest.raises(PostedRecordImmutable):
        db.session.flush()
    db.session.rollback()


def test_the_cli_adds_a_version_approved_by_a_director_only(world, app):
    db.session.commit()  # the refused use case rolls back its own work only
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["ledger", "approve-assessment-scheme", "--code", "KH", "--name", "回款考核方案",
                                  "--valid-from", "2026-01-01", "--base-price-list", "KEY", "--approved-by", "rep_test"])
    assert refused.exit_code != 0 and "not_a_scheme_approver" in refused.output
    made = runner.invoke(args=["ledger", "approve-assessment-scheme", "--code", "KH", "--name", "回款考核方案",
                               "--valid-from", "2026-01-01", "--base-price-list", "KEY", "--charge-pct", "80",
                               "--approved-by", "director_test"])
    assert made.exit_code == 0, made.output
    assert '"scheme": "KH/v1"' in made.output
    [scheme] = db.session.scalars(select(AssessmentScheme)).all()
    assert (scheme.charge_pct, scheme.approved_by.username) == (Decimal("80.00"), "director_test")
