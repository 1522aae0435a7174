"""F08 with the real diagram and the versioned assessment scheme: the start
form takes no price list (a forged one is refused, at the start and at the
problem step), and a version approved during the review refuses the charge,
which is reassessed under the new version."""
from datetime import date

import pytest
from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import CollectionAssessment, InstanceStatus
from tests.support.assessment_schemes import approve_scheme
from tests.support.ledger_harness import all_invariants_hold
from tests.flows.test_collection_assessment import CITY_DEALER, collected  # noqa: F401  (a fixture)

START = {"salesperson": "rep_east2", "month": "2026-12"}


def test_a_forged_price_list_or_scheme_cannot_steer_the_charge(sales, collected):
    collected(CITY_DEALER, [("MTR001", 1)])  # 130.09 against the dealer list (KH/v1); 0.00 against the standard
    db.session.commit()  # a refused start rolls back its own work only
    for forged in ({"base_price_list": "STD"}, {"scheme": "KH/v9"}):
        with pytest.raises(ValidationFailed):
            sales.start("collection_assessment", {**START, **forged}, "sales_admin")
    instance = sales.start("collection_assessment", START, "sales_admin")
    sales.reject(instance, "Task_FinanceReview", "finance", "基准价")
    with pytest.raises(ValidationFailed):
        sales.complete(instance, "Task_ResolveAssessmentProblem", "sales_admin",
                       {**START, "base_price_list": "STD", "action": "reassess"})
    sales.complete(instance, "Task_ResolveAssessmentProblem", "sales_admin", {**START, "action": "reassess"})
    preview = instance.data["assessment_preview"]
    assert (preview["scheme"], preview["base_price_list"], preview["amount"]) == ("KH/v1", "DEALER", "130.09")


def test_a_version_approved_during_the_review_refuses_the_charge_until_reassessed(sales, collected):
    collected(CITY_DEALER, [("MTR001", 1)])
    instance = sales.start("collection_assessment", START, "sales_admin")
    sales.approve(instance, "Task_FinanceReview", "finance")
    assert instance.data["assessment_reviewed"]["scheme"] == "KH/v1"
    approve_scheme("DEALER", valid_from=date(2026, 12, 1), pct="50")  # KH/v2 governs December now
    sales.approve(instance, "Task_DirectorApproval", "director")
    sales.approve(instance, "Task_GMApproval", "gm")
    assert instance.data["assessment"]["error"]["code"] == "scheme_changed"
    assert sales.ready_elements(instance) == ["Task_ResolveAssessmentProblem"]
    assert db.session.scalar(select(CollectionAssessment)) is None
    sales.complete(instance, "Task_ResolveAssessmentProblem", "sales_admin", {**START, "action": "reassess"})
    assert (instance.data["assessment_preview"]["scheme"], instance.data["assessment_preview"]["amount"]) == \
        ("KH/v2", "65.05")  # half of 130.09
    sales.approve(instance, "Task_FinanceReview", "finance")
    sales.approve(instance, "Task_DirectorApproval", "director")
    sales.approve(instance, "Task_GMApproval", "gm")
    [assessment] = db.session.scalars(select(CollectionAssessment)).all()
    assert (assessment.scheme.label, str(assessment.amount)) == ("KH/v2", "65.05")
    assert instance.status is not InstanceStatus.error and all_invariants_hold()
