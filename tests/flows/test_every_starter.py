"""No approval can hang, swept: each flow below is started by the demo users
its diagram lets start it (``startRoles``, read from the deployed XML) and
driven to an end, every step taken by someone the task list offers it to
(the assignee, else the first holder of the role who sees it). A step that
nobody may take fails the test: that is a hang.

travel_request, whose route depends on each traveller's place in the
organisation, is started by every one of them. dealer_onboarding,
promotion_expense and shipment_approval, slower, by one starter per distinct
(roles, manager): who approves depends on nothing else, so the rest would
repeat them. The other flows (F01-F09: their start data needs documents
posted before, or they are started by one or two people of the sales
office) are walked by their own flow tests, not swept here."""
from lxml import etree
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import InstanceStatus, ProcessDefinition, Role, ShippingNote, User, user_role
from app.services import tasks
from app.services.attachments import save_bytes
from app.services.segregation import may_hold_tasks
from app.workflow.xml_names import NS, spiff_properties

APPROVE = {"decision": "approve", "comment": "同意"}
DEALER = "浙江泵阀总经销有限公司"
CITY_DEALER = "江苏机电设备经销部"
MAX_STEPS = 30


def start_roles(key: str) -> list[str]:
    """The roles the deployed diagram of ``key`` lets start it by hand."""
    definition = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == key)
                                   .order_by(ProcessDefinition.version.desc()).limit(1))
    root = etree.fromstring(definition.files[definition.bpmn_file].encode())
    roles = []
    for start in root.xpath(f"./bpmn:process[@id='{key}']/bpmn:startEvent", namespaces=NS):
        roles += [role.strip() for role in (spiff_properties(start).get("startRoles") or "").split(",") if role.strip()]
    return roles


def starters(key: str) -> list[User]:
    roles = start_roles(key)
    if not roles:
        pytest.skip(f"{key} declares no startRoles in this tree")
    people = db.session.scalars(select(User).join(user_role).join(Role).where(Role.code.in_(roles))
                                .order_by(User.username)).unique()
    return [person for person in people if may_hold_tasks(person)]


def one_per_shape(people: list[User]) -> list[User]:
    """The first of ``people`` for each distinct (roles, manager)."""
    seen, out = set(), []
    for person in people:
        shape = (tuple(person.role_codes), person.manager_id)
        if shape not in seen:
            seen.add(shape)
            out.append(person)
    return out


def performer(task) -> User:
    """Who takes ``task``: its assignee, else the first role holder offered it."""
    if task.assignee_id is not None:
        return task.assignee
    holders = db.session.scalars(select(User).join(user_role).join(Role)
                                 .where(Role.code == task.candidate_role).order_by(User.username)).unique()
    for holder in holders:
        if task in tasks.tasks_for(holder):
            return holder
    pytest.fail(f"{task.element_id} of {task.instance.process_key} hangs: no holder of {task.candidate_role} may act")


def drive(sales, instance, answers: dict) -> list[tuple[str, str]]:
    """Complete ready tasks until ``instance`` ends; returns (element, performer) in order."""
    steps = []
    for _ in range(MAX_STEPS):
        if instance.status is InstanceStatus.completed:
            return steps
        ready = sales.ready(instance)
        assert ready, f"{instance.process_key} waits with no task ready ({instance.status.value}: {instance.error_message})"
        task = ready[0]
        person = performer(task)
        answer = answers.get(task.element_id, APPROVE if task.is_approval else None)
        assert answer is not None, f"no data for {task.element_id} of {instance.process_key}"
        data = answer(instance) if callable(answer) else answer
        tasks.complete_task(task.id, person, data)
        assert person.id != instance.started_by_id or not task.is_approval
        steps.append((task.element_id, person.username))
    pytest.fail(f"{instance.process_key} did not end within {MAX_STEPS} steps: {steps}")


TRIP = {"purpose": "拜访客户", "reason": "客户提出现场需求", "destination": "杭州", "start_date": "2026-12-08", "end_date": "2026-12-09",
        "transport": "火车", "estimated_cost": 900}


def test_every_traveller_gets_an_answer(sales):
    travellers = starters("travel_request")
    assert {"sales_admin", "order_clerk", "dispatcher", "rep_east1"} <= {p.username for p in travellers}
    for traveller in travellers:
        if traveller.manager is None:
            continue  # the general manager approves his own trips outside the platform (test_travel_request)
        instance = sales.start("travel_request", TRIP, traveller.username)
        steps = drive(sales, instance, {})
        approvers = [who for _, who in steps]
        assert traveller.username not in approvers and len(set(approvers)) == len(approvers), (traveller, steps)


def test_every_representative_onboards_a_dealer(sales):
    for rep in one_per_shape(starters("dealer_onboarding")):
        prospect = {"company_name": f"{rep.username}华信商贸有限公司", "region": rep.region or "华东", "province": "浙江",
                    "contact_name": "陈经理", "contact_phone": "13800000000", "business_scope": "工业设备分销",
                    "expected_annual_volume": 3000000}
        instance = sales.start("dealer_onboarding", prospect, rep.username)
        drive(sales, instance, {
            "Task_FillEvaluation": {"visit_date": "2026-11-20", "capital_strength_score": 4, "sales_network_score": 5,
                                    "logistics_score": 4, "reputation_score": 4, "team_score": 3,
                                    "overall_comment": "网络覆盖全省"},
            "Task_RegionalManagerReview": {**APPROVE, "recheck_date": "2026-11-24", "recheck_findings": "仓储与网络属实"},
            "Task_DirectorApproval": {**APPROVE, "annual_target": 5000000, "special_discount_pct": 3,
                                      "payment_days": 30, "credit_limit": 300000},
            "Task_SignContract": lambda i: {"outcome": "signed", "contract_number": f"HT-{rep.username}", "signed_date": "2026-11-28",
                                            "contract_file": _file("contract.pdf", "application/pdf")(i)},
        })


def _claim(instance):
    return {"customer_paid_date": "2026-12-01",
            "flow_sheet": save_bytes("flow-sheet.pdf", "application/pdf", f"%PDF-1.4 flow sheet {instance.id}".encode()),
            "claim_lines": [{"category": "展位费", "amount": 5000,
                             "receipt": save_bytes("invoice.pdf", "application/pdf", f"%PDF-1.4 invoice {instance.id}".encode())}]}


def test_every_applicant_gets_a_promotion_expense_through(sales, act, customer_code):
    dealer = customer_code(DEALER)
    act("ledger.record_receipt", customer=dealer, amount="50000", date="2026-12-01")  # the claims come after this payment
    for applicant in one_per_shape(starters("promotion_expense")):
        instance = sales.start("promotion_expense", {"expense_type": "exhibition", "amount": 5000, "customer": dealer,
                                                     "purpose": "展会展位及资料"}, applicant.username)
        steps = drive(sales, instance, {"Task_SubmitClaim": _claim})
        assert steps[0] == ("Task_RegionalManagerReview", applicant.manager.username)


def _delivery_note(number: str) -> dict:
    return {"delivery_note_no": number, "lines": [{"material": "MTR001", "spec": "YE3-80M2-2 1.1kW", "qty": 2,
                                                   "unit_price": 950.0}],
            "delivery_date": "2026-12-08", "delivery_place": "杭州市滨江区江南大道 88 号", "transport_mode": "own_truck",
            "acceptance_terms": "到货开箱验收", "settlement_terms": "monthly_30", "note_action": "submit"}


def _file(name: str, kind: str):
    leading = b"%PDF-1.4 " if kind == "application/pdf" else b"\xff\xd8\xff "  # what the store checks
    return lambda instance: save_bytes(name, kind, leading + f"{name} {instance.id}".encode())


def test_every_representative_gets_a_shipment_approved_and_delivered(sales, customer_code):
    dealer = customer_code(CITY_DEALER)  # no long-term contract: contract customers order through contract_shipment
    reps = one_per_shape(starters("shipment_approval"))
    assert len(reps) == 5  # one per region
    for number, rep in enumerate(reps, start=11):
        instance = sales.start("shipment_approval", {"customer": dealer, "request_channel": "phone",
                                                     "requested_items": "YE3 电机两台", "requested_date": "2026-12-08"},
                               rep.username)
        steps = drive(sales, instance, {
            "Task_FillDeliveryNote": _delivery_note(f"JH202612010{number}"),
            "Task_StockArrangement": {"stock_status": "available", "planned_ship_date": "2026-12-05",
                                      "stock_note": "成品库现货"},
            "Task_UploadSignedFax": lambda i: {"signed_fax": _file("fax.pdf", "application/pdf")(i),
                                               "confirmed_by": "王强", "confirmed_date": "2026-12-02"},
            "Task_IssueShipment": {"ship_date": "2026-12-03", "carrier": "公司车队", "vehicle_plate": "浙A·12345"},
            "Task_PickUp": {"picked_up_date": "2026-12-03"},
            "Task_CustomerSigns": lambda i: {"signed_by": "王强", "signed_date": "2026-12-03",
                                             "proof_of_delivery": _file("pod.jpg", "image/jpeg")(i),
                                             "received": [{"line_no": 1, "received_qty": 2.0}]},
            "Task_NotifyBranchAndCustomer": {"customer_notice_channel": "phone", "branch_notified": True},
        })
        assert ("Task_DirectorApproval", "director") in steps


def test_every_drafter_gets_a_price_adjustment_through(sales):
    """F16: marketing, each sales office supervisor and the director; the
    director's own sheet is approved by someone else (the general manager)."""
    drafters = starters("price_adjustment")
    assert {"marketing", "sales_admin", "director"} <= {p.username for p in drafters}
    for day, drafter in enumerate(drafters, start=10):  # each sheet a day after the one before it
        sheet = {"price_list": "STD", "effective_date": f"2026-12-{day}", "reason": "年末调价",
                 "lines": [{"material": "PCF001", "new_price": 1250 - day}]}
        instance = sales.start("price_adjustment", sheet, drafter.username)
        steps = drive(sales, instance, {})
        assert instance.data["decision_result"]["ok"], (drafter, instance.data["decision_result"])
        assert instance.data["decision_result"]["decided_by"] == steps[-1][1] != drafter.username, (drafter, steps)


def test_every_service_desk_member_rep_and_the_portal_gets_a_case_closed(sales, shipped_order):
    """F20: the service desk, one salesperson per shape and the customer
    portal's integration account (which holds no tasks but may start) each
    open a case on their customer's shipment; it is triaged, resolved and
    closed by people the task list offers each step to."""
    from app.models import Customer

    openers = one_per_shape(starters("after_sales")) + [db.session.scalar(select(User).where(User.username == "portal"))]
    assert {"service_desk", "portal"} <= {p.username for p in openers} and any(p.has_role("sales_rep") for p in openers)
    for opener in openers:
        customer = db.session.scalar(select(Customer).where(Customer.salesperson_id == opener.id).limit(1)) \
            or db.session.scalar(select(Customer).where(Customer.name == DEALER))
        shipped_order(customer.code, [("PCF001", 1)])
        note = db.session.scalar(select(ShippingNote.number).order_by(ShippingNote.id.desc()).limit(1))
        request = {"kind": "repair", "customer": customer.code, "shipping_note": note, "description": "水泵异响"}
        instance = sales.start("after_sales", request, opener.username)
        steps = drive(sales, instance, {
            "Task_Triage": {"category": "product_fault", "severity": "normal", "route": "tech_support"},
            "Task_TechSupport": {"diagnosis": "叶轮松动", "action_taken": "紧固叶轮", "outcome": "warranty"},
            "Task_FollowUpCall": {"satisfaction": "5", "reopen": False},
        })
        assert [element for element, _ in steps] == ["Task_Triage", "Task_TechSupport", "Task_FollowUpCall"], (opener, steps)


def test_every_employee_gets_an_expense_advance_and_claim_through(sales):
    """F22: one employee per shape asks for an advance above the director's
    threshold and claims against it; every step goes to someone who may take
    it, never the requester, and the claim settles the advance."""
    employees = one_per_shape(starters("expense_advance"))
    assert {"sales_admin", "finance", "director", "rep_east1"} & {p.username for p in employees}
    for employee in employees:
        advance = sales.start("expense_advance", {"amount": 6000, "purpose": "客户拜访借支", "category": "travel",
                                                  "expected_settlement_date": "2026-12-20"}, employee.username)
        drive(sales, advance, {})
        assert advance.data["advance"]["ok"], (employee, advance.data["advance"])
        receipt = save_bytes("invoice.pdf", "application/pdf", f"%PDF-1.4 invoice {advance.id}".encode())
        claim = sales.start("expense_claim", {"purpose": "客户拜访", "advance_no": advance.data["advance"]["advance_no"],
                                              "claim_lines": [{"category": "travel", "amount": 6500, "receipt": receipt}]},
                            employee.username)
        steps = drive(sales, claim, {})
        assert employee.username not in [who for _, who in steps], (employee, steps)
        assert claim.data["claim_result"]["payable"] == "500.00", (employee, claim.data.get("claim_result"))


def test_every_order_taker_gets_a_direct_cross_organisation_sale_delivered(sales, customer_code):
    """F18: each shape of representative and order clerk sells what the
    factory ships straight to the customer: the factory's keeper, the
    first warehouse keeper offered the steps, signs and ships."""
    for taker in one_per_shape(starters("cross_org_sale")):
        order = {"customer": customer_code(DEALER), "warehouse": "FAC1", "mode": "direct", "order_date": "2026-12-01",
                 "lines": [{"material": "MTR001", "qty": 1}]}
        instance = sales.start("cross_org_sale", order, taker.username)
        proof = save_bytes("pod.jpg", "image/jpeg", b"\xff\xd8\xff pod " + str(instance.id).encode())
        steps = drive(sales, instance, {
            "Task_SignTransfer": {"sign_decision": "sign"}, "Task_ShipToCustomer": {"ship_date": "2026-12-02"},
            "Task_CustomerSigns": {"signed_by": "王强", "signed_date": "2026-12-03", "proof_of_delivery": proof,
                                   "received": [{"line_no": 1, "received_qty": 1}]}})
        assert [element for element, _ in steps] == ["Task_ReviewOrder", "Task_SignTransfer", "Task_ShipToCustomer",
                                                     "Task_CustomerSigns"], (taker, steps)
