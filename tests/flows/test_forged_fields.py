"""A task writes only the fields its form lets a person fill, attacked
through the API with the real diagrams: the representative who cancelled
another representative's order by sending a forged ``order_result`` with
``order_action: cancel`` on his own Task_ReviseOrder, and the same forgery
on each kind of step that shows what the ledger or an earlier person wrote
(credit-hold decision, shipping note, picking, invoice entry, payment
confirmation, return execution, a reviewer's comment); undeclared fields,
at the top and deep inside, at a task and at the start."""
import pytest
from sqlalchemy import select

from tests.support.api_client import DEMO_PASSWORD, PREFIX, error_of
from app.errors import Forbidden
from app.extensions import db
from app.models import SalesOrder, SalesOrderCancellation, User
from app.services.attachments import save_bytes
from tests.support.contract_shipment import DEALER, MAIL, REP, approve_contract, make_note, make_order
from tests.support.contract_shipment import contract  # noqa: F401  (a fixture)

OTHER_REP = "rep_east2"


@pytest.fixture
def door(client, sales):
    """``door(username).complete(task_id, data)`` / ``.start(key, data)``:
    the API as that demo user."""
    tokens: dict[str, str] = {}

    class Door:
        def __init__(self, username):
            if username not in tokens:
                response = client.post(PREFIX + "/auth/token", json={"username": username, "password": DEMO_PASSWORD})
                assert response.status_code == 201, response.get_json()
                tokens[username] = response.get_json()["token"]
            self.headers = {"Authorization": f"Bearer {tokens[username]}"}

        def complete(self, task_id, data):
            return client.post(f"{PREFIX}/tasks/{task_id}/complete", json={"data": data}, headers=self.headers)

        def start(self, key, data):
            return client.post(f"{PREFIX}/process-instances", json={"process_key": key, "data": data}, headers=self.headers)

    return Door


def _holders(role):
    return [user.username for user in db.session.scalars(select(User).order_by(User.username)) if user.has_role(role)]


def approve_until(sales, instance, element_id, limit=8):
    """Approve every approval step on the way to ``element_id``, each by the
    first holder of its role whom segregation of duties lets approve; the
    path does not depend on how many stages the diagram has today."""
    for _ in range(limit):
        ready = sales.ready_elements(instance)
        if element_id in ready:
            return sales.task(instance, element_id)
        [task] = [t for t in sales.ready(instance) if t.is_approval]
        people = [task.assignee.username] if task.assignee else _holders(task.candidate_role)
        for username in people:
            try:
                sales.approve(instance, task.element_id, username)
                break
            except Forbidden:
                continue
        else:
            raise AssertionError(f"nobody may approve {task.element_id}")
    raise AssertionError(f"{element_id} never became ready: {sales.ready_elements(instance)}")


def _contract_at_order_review(sales, contract, rep, contract_no, customer=DEALER):
    instance = sales.start("contract_shipment", contract(customer=customer, contract_no=contract_no), rep)
    approve_until(sales, instance, "Task_MakeOrder")
    make_order(sales, instance)
    return instance


def _order(number):
    return db.session.scalar(select(SalesOrder).where(SalesOrder.number == number))


# --- the representative's attack -------------------------------------------------------------------------

def test_a_forged_order_result_cannot_cancel_another_representatives_order(sales, contract, door):
    victim = _contract_at_order_review(sales, contract, OTHER_REP, "HT-2026-201")
    approve_until(sales, victim, "Task_MakeShippingNote")
    theirs = victim.data["order_result"]["order_no"]
    attacker = _contract_at_order_review(sales, contract, REP, "HT-2026-202")
    sales.reject(attacker, "Task_OrderReview", "sales_admin2", "数量有误")
    mine = attacker.data["order_result"]["order_no"]
    task = sales.task(attacker, "Task_ReviseOrder")

    forged = {"lines": [{"material": "MTR001", "qty": 1}], "order_action": "cancel",
              "order_result": {"ok": True, "order_no": theirs}}
    error = error_of(door(REP).complete(task.id, forged), 422, "validation_failed")
    assert error["details"]["fields"] == {"order_result": ["read-only"]}

    db.session.expire_all()
    assert _order(theirs).status == "approved" and _order(mine).status == "draft"  # rejected at its review
    assert db.session.scalars(select(SalesOrderCancellation)).all() == []
    assert sales.ready_elements(attacker) == ["Task_ReviseOrder"]
    assert sales.ready_elements(victim) == ["Task_MakeShippingNote"]
    # what the form lets him write still works, on his own order only
    assert door(REP).complete(task.id, {k: v for k, v in forged.items() if k != "order_result"}).status_code == 200
    db.session.expire_all()
    assert _order(mine).status == "cancelled" and _order(theirs).status == "approved"


# --- every kind of step that shows what others wrote -----------------------------------------------------

def _credit_hold(sales, contract, **_):
    instance = _contract_at_order_review(sales, contract, REP, "HT-2026-301", customer=MAIL)
    assert instance.data["order_result"]["held"] is True
    return (instance, "Task_CreditHoldDecision", "director", {"credit_action": "release", "reason": "客户已预付"},
            "order_result", {**instance.data["order_result"], "held": False})


def _shipping_note(sales, contract, **_):
    instance = _contract_at_order_review(sales, contract, REP, "HT-2026-302")
    approve_until(sales, instance, "Task_MakeShippingNote")
    return (instance, "Task_MakeShippingNote", "billing_clerk",
            {"ship_date": "2026-12-02", "transport_mode": "own_truck", "route": "city", "delivery_address": "杭州市滨江区江南大道 88 号"},
            "order_result", {"ok": True, "order_no": "SO202612-0001"})


def _picking(sales, contract, **_):
    instance = _contract_at_order_review(sales, contract, REP, "HT-2026-303")
    approve_until(sales, instance, "Task_MakeShippingNote")
    make_note(sales, instance)
    approve_until(sales, instance, "Task_PrintShippingNote")
    sales.complete(instance, "Task_PrintShippingNote", "billing_clerk", {"printed_copies": 3})
    certificate = save_bytes("qc.pdf", "application/pdf", b"%PDF-1.4 quality certificate")
    sales.complete(instance, "Task_AttachQCCertificate", "order_clerk",
                   {"certificate_no": "QC-2612-031", "qc_certificate": certificate})
    return (instance, "Task_PickGoods", "order_clerk", {"picked_date": "2026-12-02"},
            "note_result", {"ok": True, "shipping_note_no": "SN202612-0001"})


def _invoice_entry(sales, shipped_order, customer_code, **_):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 1)])
    instance = sales.start("invoice_request", {"customer": customer_code(DEALER), "order_no": order_no,
                                               "invoice_type": "special_vat"}, REP)
    sales.complete(instance, "Task_CheckShipped", "sales_admin",
                   {"decision": "approve", "invoice_lines": [{"order_line": f"{order_no}/1"}]})
    sales.complete(instance, "Task_IssueInvoice", "billing_clerk",
                   {"invoice_date": "2026-12-01", "tax_invoice_number": "No.04418832"})
    for signer, step in ((REP, "Task_RequesterReceivesInvoice"), ("finance", "Task_FinanceReceivesInvoice")):
        sales.complete(instance, step, signer, {"action": "received"})
    return (instance, "Task_EnterInvoice", "sales_admin2", {"delivery_method": "mail", "entry_note": "顺丰寄出"},
            "invoice_result", {"ok": True, "invoice_no": "INV202612-0099", "gross": "0.01"})


def _payment_confirmation(sales, customer_code, **_):
    instance = sales.start("mail_order", {
        "customer_kind": "known", "customer": customer_code(MAIL), "lines": [{"material": "PRT001", "qty": 1}],
        "ship_to": {"recipient": "万师傅", "phone": "0791-8812 3456", "address": "江西省南昌市青山湖区民营科技园 18 号"}},
        OTHER_REP)
    approve_until(sales, instance, "Task_InformCustomer")
    sales.complete(instance, "Task_InformCustomer", OTHER_REP, {"informed_via": "phone"})
    return (instance, "Task_ConfirmPayment", "finance",
            {"amount": 85, "receipt_date": "2026-12-03", "bank_reference": "ICBC-0791-0001"},
            "release_result", {"ok": True, "released": True, "shortfall": "0.00"})


def _return_execution(sales, shipped_order, customer_code, **_):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 2)])
    proof = [save_bytes("破损照片.png", "image/png", b"\x89PNG\r\n\x1a\n crack")]
    instance = sales.start("return_exchange", {
        "customer": customer_code(DEALER), "order_no": order_no, "kind": "return", "reason": "quality_defect",
        "reason_detail": "电机轴承异响", "lines": [{"line_no": 1, "qty": 1}], "proof": proof,
        "price_agreed_via": "phone", "price_agreed_on": "2026-11-30"}, REP)
    sales.approve(instance, "Task_SalesReview", "order_clerk")
    sales.complete(instance, "Task_QualityInspection", "quality", {
        "decision": "approve", "inspection_result": "defective", "defect_cause": "轴承异响", "responsibility": "production",
        "disposition": "quarantine"})
    approve_until(sales, instance, "Task_ReduceAccount")
    sales.complete(instance, "Task_ReduceAccount", "sales_admin", {"return_date": "2026-12-02"})
    return (instance, "Task_WarehouseExecute", "warehouse",
            {"received_on": "2026-12-03", "received_lines": [{"line_no": 1, "qty": 1}], "condition_note": "外包装完好"},
            "return_result", {"ok": True, "return_no": "RT202612-0001", "disposition": "restock"})


def _reviewer_comment(sales, contract, **_):
    instance = sales.start("contract_shipment", contract(contract_no="HT-2026-307"), REP)
    sales.reject(instance, "Task_ContractReview", "sales_admin", "账期与客户档案不符")
    return (instance, "Task_ReviseContract", REP, {**contract(contract_no="HT-2026-307", payment_days=45), "action": "resubmit"},
            "comment", "审核同意")


@pytest.mark.parametrize("reach", [_credit_hold, _shipping_note, _picking, _invoice_entry, _payment_confirmation,
                                   _return_execution, _reviewer_comment], ids=lambda f: f.__name__.strip("_"))
def test_a_read_only_field_sent_to_a_step_is_refused(sales, contract, shipped_order, customer_code, door, reach):
    instance, element, username, allowed, field, forged = reach(sales=sales, contract=contract, shipped_order=shipped_order,
                                                                customer_code=customer_code)
    task = sales.task(instance, element)
    before = instance.data.get(field)
    error = error_of(door(username).complete(task.id, {**allowed, field: forged}), 422, "validation_failed")
    assert error["details"]["fields"] == {field: ["read-only"]}
    db.session.expire_all()
    assert sales.ready_elements(instance) == [element] and instance.data.get(field) == before
    assert door(username).complete(task.id, allowed).status_code == 200  # the fields the form offers are enough


# --- fields no form declares -----------------------------------------------------------------------------

def test_an_undeclared_field_is_refused_at_the_top_and_deep_inside(sales, contract, door):
    instance = _contract_at_order_review(sales, contract, REP, "HT-2026-401")
    approve_until(sales, instance, "Task_MakeShippingNote")
    task = sales.task(instance, "Task_MakeShippingNote")
    note = {"ship_date": "2026-12-02", "transport_mode": "own_truck", "route": "city", "delivery_address": "杭州市滨江区江南大道 88 号"}
    error = error_of(door("billing_clerk").complete(task.id, {**note, "order_action": "cancel"}), 422)
    assert error["details"]["fields"] == {"order_action": ["not a field of this form"]}
    assert sales.ready_elements(instance) == ["Task_MakeShippingNote"]


def test_an_undeclared_field_inside_a_line_of_a_revision_is_refused(sales, contract, door):
    instance = _contract_at_order_review(sales, contract, REP, "HT-2026-402")
    sales.reject(instance, "Task_OrderReview", "sales_admin2", "数量有误")
    task = sales.task(instance, "Task_ReviseOrder")
    lines = [{"material": "MTR001", "qty": 1, "unit_price": 0.01, "price_approved_by": "gm"}]
    error = error_of(door(REP).complete(task.id, {"lines": lines, "order_action": "remake"}), 422)
    assert error["details"]["fields"] == {"lines.0.unit_price": ["not a field of this form"],
                                          "lines.0.price_approved_by": ["not a field of this form"]}


def test_a_start_form_refuses_undeclared_fields(sales, contract, door):
    response = door(REP).start("contract_shipment", {**contract(contract_no="HT-2026-403"),
                                                     "order_result": {"ok": True, "order_no": "SO202612-0001"}})
    assert error_of(response, 422)["details"]["fields"] == {"order_result": ["not a field of this form"]}
    assert db.session.scalars(select(SalesOrder)).all() == []


def test_past_a_door_that_forgot_the_check_the_ledger_still_refuses_another_requests_order(sales, contract, monkeypatch):
    """Defence in depth: should a forged result ever reach the data, the
    action acting on it refuses a document of another request, and the
    refusal lands in the result like any broken rule."""
    monkeypatch.setattr("app.services.forms.unwritable_fields", lambda schema, data: {})
    victim = _contract_at_order_review(sales, contract, OTHER_REP, "HT-2026-501")
    approve_until(sales, victim, "Task_MakeShippingNote")
    theirs = victim.data["order_result"]["order_no"]
    attacker = _contract_at_order_review(sales, contract, REP, "HT-2026-502")
    sales.reject(attacker, "Task_OrderReview", "sales_admin2", "数量有误")
    sales.complete(attacker, "Task_ReviseOrder", REP, {"lines": [{"material": "MTR001", "qty": 1}], "order_action": "cancel",
                                                       "order_result": {"ok": True, "order_no": theirs}})
    assert attacker.data["cancel_result"]["error"]["code"] == "not_this_request"
    db.session.expire_all()
    assert _order(theirs).status == "approved"
    assert db.session.scalars(select(SalesOrderCancellation)).all() == []
