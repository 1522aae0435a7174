"""Driving F18 cross_org_sale with the demo: HQ's order clerk sells, the
factory FAC supplies from its warehouse FAC1 (its keeper fac_keeper signs
and sends, and ships a direct shipment), HQ's keeper ``warehouse`` receives
and ships what came over, the driver records the signed receipt."""
from app.services.attachments import save_bytes

DEALER = "浙江泵阀总经销有限公司"
SIGNER = "fac_keeper"
KEEPER = "warehouse"


def order(customer_code, mode="via_buyer", qty=10, material="MTR001"):
    """What the order clerk types at the start."""
    return {"customer": customer_code(DEALER), "warehouse": "FAC1", "mode": mode, "order_date": "2026-12-01",
            "lines": [{"material": material, "qty": qty}]}


def proof():
    return save_bytes("pod.jpg", "image/jpeg", b"\xff\xd8\xff signed proof of delivery")


def signed_for(received_qty, loss_reason=None):
    line = {"line_no": 1, "received_qty": received_qty}
    if loss_reason:
        line["loss_reason"] = loss_reason
    return {"signed_by": "王强", "signed_date": "2026-12-06", "proof_of_delivery": proof(), "received": [line]}


def to_signing(sales, customer_code, mode="via_buyer", qty=10):
    """Started by the order clerk and approved by sales administration: the transfer waits for FAC's signature."""
    instance = sales.start("cross_org_sale", order(customer_code, mode, qty), "order_clerk")
    sales.approve(instance, "Task_ReviewOrder", "sales_admin")
    assert sales.ready_elements(instance) == ["Task_SignTransfer"], instance.data.get("order_result")
    return instance


def sign(sales, instance, who=SIGNER, decision="sign"):
    sales.complete(instance, "Task_SignTransfer", who, {"sign_decision": decision, "sign_comment": "同意"})


def send(sales, instance, who=SIGNER):
    sales.complete(instance, "Task_SendTransfer", who, {"out_date": "2026-12-02"})


def receive(sales, instance, qty, reason=None, who=KEEPER):
    line = {"line_no": 1, "received_qty": qty}
    if reason:
        line["loss_reason"] = reason
    sales.complete(instance, "Task_ReceiveTransfer", who,
                   {"receiver_name": "石仓管", "received_date": "2026-12-03", "received": [line]})


def ship(sales, instance, who=KEEPER):
    sales.complete(instance, "Task_ShipToCustomer", who, {"ship_date": "2026-12-04"})
