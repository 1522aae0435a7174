"""F14 shipment_approval: what a representative asks for and types on the
delivery note, shared by the flow's tests."""
from decimal import Decimal

import pytest

DEALER = "江苏机电设备经销部"  # 华东 city dealer without a long-term contract, credit limit 300,000
CONTRACT_DEALER = "浙江泵阀总经销有限公司"  # 华东, its long-term contract in force: orders through F01
MAIL = "江西设备维修服务部"  # 华东 mail-order customer, credit limit 0
REP = "rep_east1"
NOTE_NO = "JH20261201001"
D = Decimal


@pytest.fixture
def request_for(customer_code):
    def build(customer=DEALER):
        return {"customer": customer_code(customer), "request_channel": "phone", "requested_items": "YE3 电机两台",
                "requested_date": "2026-12-08"}

    return build


def delivery_note(lines=(("MTR001", "YE3-80M2-2 1.1kW", 2, 950.0),), settlement="monthly_30", number=NOTE_NO,
                  action="submit", transport="own_truck"):
    """What the rep types: quantities and prices; line amounts and the total are the server's."""
    rows = [{"material": m, "spec": s, "qty": q, "unit_price": p} for m, s, q, p in lines]
    return {"delivery_note_no": number, "lines": rows,
            "delivery_date": "2026-12-08", "delivery_place": "杭州市滨江区江南大道 88 号", "transport_mode": transport,
            "acceptance_terms": "到货开箱验收", "settlement_terms": settlement, "note_action": action}


STOCK = {"stock_status": "available", "planned_ship_date": "2026-12-05", "stock_note": "成品库现货"}


def received_in_full(instance) -> list[dict]:
    """The signed receipt's lines when every line of the delivery note
    arrived whole (the shipping note carries the note's lines in order)."""
    return [{"line_no": number, "received_qty": float(line["qty"])}
            for number, line in enumerate(instance.data["lines"], start=1)]


def signed_for(instance, proof, received=None) -> dict:
    """What the driver submits at Task_CustomerSigns: who signed, when, the
    proof of delivery and the quantity received per line (in full unless given)."""
    return {"signed_by": "王强", "signed_date": "2026-12-03", "proof_of_delivery": proof,
            "received": received if received is not None else received_in_full(instance)}
