"""The steps of F03 return_exchange as people take them, shared by its flow
tests: the request an applicant files (with the customer's agreement to the
prices), quality's findings, the approvals up to the general manager, the
warehouse's receipt and the replacement's shipment."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import InstanceStatus, SalesOrder

DEALER = "浙江泵阀总经销有限公司"  # 华东, served by rep_east1
REP = "rep_east1"


@pytest.fixture
def proof(app):
    from app.services.attachments import save_bytes

    return [save_bytes("破损照片.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"crack on the pump casing"),
            save_bytes("客户退货函.pdf", "application/pdf", b"%PDF-1.4 return letter")]


@pytest.fixture
def request_for(customer_code, proof):
    def build(order_no, lines=({"line_no": 1, "qty": 1},), kind="return", reason="quality_defect", **extra):
        return {"customer": customer_code(DEALER), "order_no": order_no, "kind": kind, "reason": reason,
                "reason_detail": "电机轴承异响，客户现场验收不合格", "lines": list(lines), "proof": proof,
                "price_agreed_via": "phone", "price_agreed_on": "2026-11-30", **extra}

    return build


@pytest.fixture
def invoiced_order(act, customer_code, shipped_order):
    def make(lines):
        order_no = shipped_order(customer_code(DEALER), lines)
        return order_no, act("ledger.issue_invoice", order=order_no)["invoice_no"]

    return make


DEFECTIVE = {"inspection_result": "defective", "defect_cause": "电机轴承异响，拆检见滚道剥落", "responsibility": "production",
             "disposition": "quarantine"}
QUALIFIED = {"inspection_result": "qualified", "defect_cause": "客户订错型号，货物完好", "responsibility": "customer",
             "disposition": "restock"}


def inspect(sales, instance, findings=DEFECTIVE):
    sales.complete(instance, "Task_QualityInspection", "quality", {"decision": "approve", "comment": "复验完成", **findings})


def approve_through_gm(sales, instance, findings=DEFECTIVE):
    review = sales.task(instance, "Task_SalesReview")
    assert review.candidate_role == "order_clerk" and review.is_approval
    sales.approve(instance, "Task_SalesReview", "order_clerk")
    assert sales.task(instance, "Task_QualityInspection").candidate_role == "quality"
    inspect(sales, instance, findings)
    assert sales.task(instance, "Task_DirectorApproval").candidate_role == "sales_director"
    sales.approve(instance, "Task_DirectorApproval", "director")
    # Seed section 3: 销售总监(审批)→总经理(审核), whatever the amount or the reason
    review = sales.task(instance, "Task_GMReview")
    assert review.candidate_role == "general_manager" and review.is_approval and sales.ready_elements(instance) == ["Task_GMReview"]
    sales.approve(instance, "Task_GMReview", "gm")


def receive(sales, instance, lines=None, condition="外包装完好"):
    received = lines or [{"line_no": line["line_no"], "qty": line["qty"]} for line in instance.data["lines"]]
    sales.complete(instance, "Task_WarehouseExecute", "warehouse",
                   {"received_on": "2026-12-03", "received_lines": received, "condition_note": condition})


def reduce_and_execute(sales, instance, lines=None):
    assert sales.task(instance, "Task_ReduceAccount").candidate_role == "sales_admin"
    sales.complete(instance, "Task_ReduceAccount", "sales_admin", {"return_date": "2026-12-02"})
    assert sales.task(instance, "Task_WarehouseExecute").candidate_role == "warehouse"
    receive(sales, instance, lines)
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []


def reds():
    return list(db.session.scalars(select(SalesOrder).where(SalesOrder.kind == "red")))


def ship_replacement(sales, instance):
    assert sales.task(instance, "Task_ShipReplacement").candidate_role == "warehouse"
    sales.complete(instance, "Task_ShipReplacement", "warehouse", {"shipped_on": "2026-12-04"})
