"""The every-task walks of F18: a cross-organisation sale rejected once and
revised, signed by the factory's keeper (HQ's keeper is not offered it), sent,
received with a transit loss, shipped and signed for; then the month's
internal settlement, first for a month with nothing to settle, both sides
confirmed and the internal invoice retried after a refusal."""
from tests.support.cross_org_flow import DEALER

ORDER_LINES = [{"material": "MTR001", "qty": 4}]


def cross_org_sale(w):
    order = {"customer": w.customer(DEALER), "warehouse": "FAC1", "mode": "via_buyer", "order_date": "2026-12-01",
             "lines": ORDER_LINES}
    instance = w.start("cross_org_sale", order, "order_clerk")
    w.reject(instance, "Task_ReviewOrder", "sales_admin", "请核实数量")
    w.complete(instance, "Task_ReviseOrder", "order_clerk", {"revise_action": "resubmit", "lines": ORDER_LINES})
    w.approve(instance, "Task_ReviewOrder", "sales_admin")
    w.complete(instance, "Task_SignTransfer", "fac_keeper", {"sign_decision": "sign", "sign_comment": "同意调拨"})
    w.complete(instance, "Task_SendTransfer", "fac_keeper", {"out_date": "2026-12-02"})
    w.complete(instance, "Task_ReceiveTransfer", "warehouse", {"receiver_name": "石仓管", "received_date": "2026-12-03",
                                                               "received": [{"line_no": 1, "received_qty": 3,
                                                                             "loss_reason": "运输途中损坏一台"}]})
    w.complete(instance, "Task_ShipToCustomer", "warehouse", {"ship_date": "2026-12-04"})
    w.complete(instance, "Task_CustomerSigns", "driver", {
        "signed_by": "王强", "signed_date": "2026-12-05", "proof_of_delivery": w.attachment("签收单.jpg", b"\xff\xd8\xff pod"),
        "received": [{"line_no": 1, "received_qty": 3}]})


def internal_settlement(w):
    month = {"period": "2026-10", "supplier_org": "FAC", "buyer_org": "HQ", "settle_date": "2026-12-05"}
    instance = w.start("internal_settlement", month, "finance")  # nothing to settle in October
    w.complete(instance, "Task_ResolvePrepare", "finance", {"problem_action": "retry", "period": "2026-12"})
    confirm = {"confirm_decision": "confirm", "confirm_reason": "与调拨单核对一致"}
    w.complete(instance, "Task_SupplierConfirms", "fac_finance", confirm)
    w.refuse_once("ledger.post_internal_invoice")
    w.complete(instance, "Task_BuyerConfirms", "finance", confirm)
    w.complete(instance, "Task_ResolveInvoice", "finance", {"settle_date": "2026-12-06"})
