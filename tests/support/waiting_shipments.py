"""F14 shipment_approval instances brought to the step where they wait for
the customer: a boundary timer (three days, then the representative chases)
and a boundary message (``shipment_confirmed`` by delivery note number) on
Task_UploadSignedFax. Shared by the operating tests of timers and messages."""
from tests.support.shipment_approval import DEALER, NOTE_NO, REP, STOCK, delivery_note

CONFIRMED = "shipment_confirmed"


def waiting_for_customer(sales, request_for, number=NOTE_NO):
    """Start, fill the note, arrange stock, approve: the instance waits for the customer."""
    instance = sales.start("shipment_approval", request_for(DEALER), REP)
    sales.complete(instance, "Task_FillDeliveryNote", REP, delivery_note(number=number))
    sales.complete(instance, "Task_StockArrangement", "dispatcher", STOCK)
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert sales.ready_elements(instance) == ["Task_UploadSignedFax"]
    return instance


def confirmation(number=NOTE_NO):
    """(name, correlations, payload) of the portal's confirmation of delivery note ``number``."""
    return (CONFIRMED, {"delivery_note": {"delivery_note_no": number}},
            {"delivery_note_no": number, "confirmed_by": "王强（客户门户）"})
