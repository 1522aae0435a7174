"""Shared steps of the F20 after-sales flow tests: a shipped order to open a
case about, and the triage, resolution and follow-up forms."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Customer, ShippingNote, StockMovement

DEALER = "浙江泵阀总经销有限公司"  # 华东, served by rep_east1
REP = "rep_east1"
PUMP = "PCF001"  # 12 months of warranty
SEAL = "PRT001"  # a mechanical seal: 3 months


def note_and_batch(order_no):
    """(shipping note number, batch) the order went out on."""
    note = db.session.scalar(select(ShippingNote).where(ShippingNote.order.has(number=order_no)))
    batch = db.session.scalar(select(StockMovement.batch_no).where(StockMovement.kind == "outbound")
                              .order_by(StockMovement.id.desc()).limit(1))
    return note.number, batch


def another_customer(code):
    """A direct customer other than ``code``, served by another salesperson."""
    return db.session.scalar(select(Customer.code).where(Customer.code != code, Customer.channel == "direct")
                             .order_by(Customer.code).limit(1))


@pytest.fixture
def shipped_to(customer_code, shipped_order):
    """``shipped_to()``: (customer code, shipping note, batch) of a fresh
    shipment to the dealer, or to the customer ``code``."""

    def ship(code=None, material=PUMP, qty=2):
        code = code or customer_code(DEALER)
        note, batch = note_and_batch(shipped_order(code, [(material, qty)]))
        return code, note, batch

    return ship


def request(customer, *, note=None, batch=None, material=None, kind="repair"):
    data = {"kind": kind, "customer": customer, "description": "水泵运行时异响，流量明显下降"}
    data.update({key: value for key, value in (("shipping_note", note), ("batch", batch), ("material", material))
                 if value is not None})
    return data


def triage(sales, instance, route="tech_support", severity="high"):
    sales.complete(instance, "Task_Triage", "service_desk",
                   {"category": "product_fault", "severity": severity, "route": route, "triage_note": "客户现场停机"})


RESOLVERS = {"tech_support": ("Task_TechSupport", "tech_support"), "quality": ("Task_QualityInvestigation", "quality")}


def resolve(sales, instance, outcome="warranty", route="tech_support", **extra):
    element, user = RESOLVERS[route]
    sales.complete(instance, element, user, {"diagnosis": "机械密封磨损", "action_taken": "更换机械密封并试机",
                                              "outcome": outcome, **extra})


def follow_up(sales, instance, satisfaction="5", reopen=False):
    sales.complete(instance, "Task_FollowUpCall", "service_desk",
                   {"satisfaction": satisfaction, "reopen": reopen, "follow_up_note": "客户确认运行正常"})


def confirm_order(sales, instance, user="order_clerk", **extra):
    sales.complete(instance, "Task_ConfirmServiceOrder", user, {"amount_checked": True, **extra})
