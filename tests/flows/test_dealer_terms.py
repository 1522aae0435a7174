"""F13 dealer_onboarding, what establishing a dealer leaves beside the
customer file: the approved annual target and special discount (and the
new dealer's prices), the first credit rating, the registered contract
with its scan, and the recruitment handbook version in force."""
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import Contract, Customer, CustomerCredit, DealerTerms, InstanceStatus
from app.services import recruitment
from app.services.attachments import save_bytes
from tests.support.ledger_harness import all_invariants_hold
from tests.support.samples import CONTRACT, EVALUATION, PROSPECT, RECHECK, TERMS

REP = "rep_east2"


def _scan():
    return save_bytes("合同.pdf", "application/pdf", b"%PDF-1.4 signed contract HT-2026-118")


def establish(flow, terms=TERMS, evaluation=EVALUATION, gm=False):
    instance = flow.start("dealer_onboarding", PROSPECT, REP)
    flow.complete(instance, "Task_FillEvaluation", REP, evaluation)
    flow.complete(instance, "Task_RegionalManagerReview", "rm_east", RECHECK)
    flow.complete(instance, "Task_DirectorApproval", "director", terms)
    if gm:
        flow.approve(instance, "Task_GMApproval", "gm")
    scan = _scan()
    flow.complete(instance, "Task_SignContract", REP, {**CONTRACT, "contract_file": scan})
    assert instance.status is InstanceStatus.completed, instance.data.get("customer_result")
    customer = db.session.scalar(select(Customer).where(Customer.name == PROSPECT["company_name"]))
    return instance, customer, scan


# --- the approved target and special discount --------------------------------------------------------------

def test_the_approved_target_and_discount_are_saved_from_the_signing_date(flow):
    instance, customer, _ = establish(flow, terms={**TERMS, "special_discount_pct": 8}, gm=True)
    [terms] = db.session.scalars(select(DealerTerms).where(DealerTerms.customer_id == customer.id)).all()
    assert terms.annual_target == D("5000000.00") and terms.special_discount_pct == D("8")
    assert terms.valid_from == date(2026, 11, 28) and terms.contract_number == "HT-2026-118"
    assert terms.approved_by_id == flow.user("gm").id  # the last approval of the terms: the general manager's


def test_a_dealer_onboarded_with_a_discount_buys_at_the_discounted_price(sales, act):
    from app.ledger import catalogue, pricing
    from app.models import PriceList

    _, customer, _ = establish(sales)  # 3 % special discount from 2026-11-28
    standard = db.session.scalar(select(PriceList).where(PriceList.code == "STD"))
    pricing.add_price_rule(price_list=standard, customer=customer, material_class=catalogue.ensure_material_class("MOTOR", "MOTOR"),
                           valid_from=date(2026, 1, 1))
    before = act("ledger.quote", customer=customer.code, lines=[{"material": "MTR001", "qty": 2}], date="2026-11-27")
    after = act("ledger.quote", customer=customer.code, lines=[{"material": "MTR001", "qty": 2}], date="2026-12-01")
    list_price = D(before["lines"][0]["unit_price"])
    assert D(after["lines"][0]["unit_price"]) == (list_price * D("0.97")).quantize(D("0.00000001"))
    order = act("ledger.create_sales_order", customer=customer.code, lines=[{"material": "MTR001", "qty": 2}])
    assert D(order["lines"][0]["unit_price"]) == D(after["lines"][0]["unit_price"]) < list_price
    assert order["gross"] == after["gross"]
    assert all_invariants_hold()  # invariant 9: the line's price is the item's less the dealer's discount that day


def test_an_order_dated_before_the_signing_is_at_the_list_price(sales, act):
    from app.ledger import catalogue, pricing
    from app.models import PriceList

    _, customer, _ = establish(sales)
    standard = db.session.scalar(select(PriceList).where(PriceList.code == "STD"))
    pricing.add_price_rule(price_list=standard, customer=customer, material_class=catalogue.ensure_material_class("MOTOR", "MOTOR"),
                           valid_from=date(2026, 1, 1))
    early = act("ledger.create_sales_order", customer=customer.code, lines=[{"material": "MTR001", "qty": 1}], date="2026-11-27")
    late = act("ledger.create_sales_order", customer=customer.code, lines=[{"material": "MTR001", "qty": 1}], date="2026-11-28")
    assert D(late["lines"][0]["unit_price"]) == (D(early["lines"][0]["unit_price"]) * D("0.97")).quantize(D("0.00000001"))
    assert all_invariants_hold()


def test_the_representative_cannot_type_a_better_discount_when_signing(flow):
    instance = flow.start("dealer_onboarding", PROSPECT, REP)
    flow.complete(instance, "Task_FillEvaluation", REP, EVALUATION)
    flow.complete(instance, "Task_RegionalManagerReview", "rm_east", RECHECK)
    flow.complete(instance, "Task_DirectorApproval", "director", TERMS)
    with pytest.raises(ValidationFailed) as refused:
        flow.complete(instance, "Task_SignContract", REP, {**CONTRACT, "contract_file": _scan(), "special_discount_pct": 30})
    assert "special_discount_pct" in refused.value.details["fields"]
    flow.complete(instance, "Task_SignContract", REP, {**CONTRACT, "contract_file": _scan()})
    assert db.session.scalar(select(DealerTerms.special_discount_pct)) == D("3")


# --- the first credit rating -------------------------------------------------------------------------------

@pytest.mark.parametrize("scores, rating", [((5, 5, 5, 5, 5), "A"), ((4, 5, 4, 4, 3), "B"), ((3, 2, 2, 2, 2), "C"),
                                            ((1, 1, 1, 1, 1), "D")])
def test_the_new_dealer_gets_its_first_rating_from_the_computed_score(flow, scores, rating):
    names = ("capital_strength_score", "sales_network_score", "logistics_score", "reputation_score", "team_score")
    _, customer, _ = establish(flow, evaluation={**EVALUATION, **dict(zip(names, scores))})
    assert customer.credit_rating == rating and customer.credit_limit == D("300000.00")
    history = db.session.scalars(select(CustomerCredit).where(CustomerCredit.customer_id == customer.id)
                                 .order_by(CustomerCredit.id)).all()
    assert [(c.rating, c.credit_limit) for c in history] == [(None, D("300000.00")), (rating, D("300000.00"))]
    assert history[-1].reason == f"first rating: evaluation score {sum(scores)}"


# --- the signed contract ----------------------------------------------------------------------------------

def test_the_signed_contract_is_registered_with_its_scan(flow):
    _, customer, scan = establish(flow)
    contract = db.session.scalar(select(Contract).where(Contract.number == "HT-2026-118"))
    assert contract.customer_id == customer.id and contract.amount_cap == D("5000000.00")
    assert (contract.valid_from, contract.valid_to, contract.payment_days) == (date(2026, 11, 28), date(2027, 11, 28), 30)
    [attached] = contract.attachments
    assert (attached.name, attached.sha256, attached.size) == (scan["name"], scan["sha256"], scan["size"])


def test_a_contract_without_its_scan_is_refused_naming_the_field(flow):
    instance = flow.start("dealer_onboarding", PROSPECT, REP)
    flow.complete(instance, "Task_FillEvaluation", REP, EVALUATION)
    flow.complete(instance, "Task_RegionalManagerReview", "rm_east", RECHECK)
    flow.complete(instance, "Task_DirectorApproval", "director", TERMS)
    with pytest.raises(ValidationFailed) as refused:
        flow.complete(instance, "Task_SignContract", REP, CONTRACT)
    assert "contract_file" in str(refused.value.details["fields"])
    assert flow.ready_elements(instance) == ["Task_SignContract"]


# --- the recruitment handbook in force ---------------------------------------------------------------------

def test_the_evaluation_names_the_handbook_in_force_and_the_dealer_keeps_it(flow):
    recruitment.add_handbook_version("2026.1", "2026 年招商手册", date(2026, 1, 1), "director")
    recruitment.add_handbook_version("2026.2", "2026 年招商手册（修订）", date(2026, 7, 1), "gm")
    recruitment.publish("华东", "行业展会", date(2026, 7, 15), "director")
    instance, customer, _ = establish(flow)
    assert instance.data["recruitment"] == {"ok": True, "handbook_version": "2026.2", "handbook_title": "2026 年招商手册（修订）",
                                            "published_on": "2026-07-15", "channel": "行业展会"}
    assert db.session.scalar(select(DealerTerms).where(DealerTerms.customer_id == customer.id)).handbook.version == "2026.2"


@pytest.mark.parametrize("published, code", [(False, "no_handbook"), (True, "recruitment_not_published")])
def test_without_a_published_recruitment_the_approvers_see_why(flow, published, code):
    if published:
        recruitment.add_handbook_version("2026.1", "2026 年招商手册", date(2026, 1, 1), "director")
        recruitment.publish("华南", "官网", date(2026, 2, 1))  # another region
    instance = flow.start("dealer_onboarding", PROSPECT, REP)
    flow.complete(instance, "Task_FillEvaluation", REP, EVALUATION)
    assert instance.data["recruitment"]["ok"] is False and instance.data["recruitment"]["error"]["code"] == code
    assert flow.ready_elements(instance) == ["Task_RegionalManagerReview"]


def test_only_the_director_or_the_general_manager_approves_a_handbook(flow):
    with pytest.raises(ValidationFailed) as refused:
        recruitment.add_handbook_version("2026.1", "2026 年招商手册", date(2026, 1, 1), "rm_east")
    assert refused.value.code == "not_authorised" and "approved_by" in refused.value.details["fields"]
    recruitment.add_handbook_version("2026.2", "2026 年招商手册", date(2026, 7, 1), "director")
    with pytest.raises(ValidationFailed) as late:
        recruitment.add_handbook_version("2026.1", "2026 年招商手册", date(2026, 1, 1), "director")
    assert late.value.code == "version_out_of_order"
    with pytest.raises(ValidationFailed) as none:
        recruitment.publish("华东", "官网", date(2026, 6, 1))  # before any version is in force
    assert none.value.code == "no_handbook"


def test_the_cli_adds_a_version_lists_it_and_publishes(flow, cli, tmp_path):
    document = tmp_path / "handbook.pdf"
    document.write_bytes(b"%PDF-1.4 handbook")
    added = cli.invoke(args=["dealers", "handbook-add", "--version", "2026.1", "--title", "2026 年招商手册",
                             "--effective-from", "2026-01-01", "--approved-by", "director", "--file", str(document)])
    assert added.exit_code == 0, added.output
    assert "2026.1\t2026-01-01\t2026 年招商手册\tdirector" in cli.invoke(args=["dealers", "handbooks"]).output
    published = cli.invoke(args=["dealers", "publish", "--region", "华东", "--channel", "官网", "--on", "2026-02-01"])
    assert published.exit_code == 0 and "under handbook 2026.1" in published.output
    refused = cli.invoke(args=["dealers", "handbook-add", "--version", "2026.1", "--title", "again",
                               "--effective-from", "2026-03-01", "--approved-by", "director"])
    assert refused.exit_code != 0 and "duplicate_version" in refused.output
