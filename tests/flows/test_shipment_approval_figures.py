"""F14 shipment_approval, the figures the server computes: line amounts and
the total the authority table decides on, whatever the representative types."""
from tests.support.shipment_approval import (  # noqa: F401  request_for is a fixture
    REP, STOCK, D, delivery_note, request_for,
)


ATTACK_LINES = [("MTR001", "YE3-80M2-2 1.1kW", 5, 3200.0)]  # 5 × ¥3,200 = ¥16,000


def _forged(lines, amounts, total):
    note = delivery_note(lines=lines)
    for row, amount in zip(note["lines"], amounts):
        row["amount"] = amount
    return {**note, "total_amount": total}


def _submit_forged_then_honest(sales, instance, forged, honest):
    """A typed amount or total is refused (read-only) or, at the least, never
    kept: either way the honest note is what goes on."""
    from app.errors import ValidationFailed

    try:
        sales.complete(instance, "Task_FillDeliveryNote", REP, forged)
    except ValidationFailed as exc:
        refused = exc.details["fields"]
        assert "total_amount" in refused and any(field.endswith(".amount") for field in refused), refused
        assert sales.ready_elements(instance) == ["Task_FillDeliveryNote"]  # nothing moved
        sales.complete(instance, "Task_FillDeliveryNote", REP, honest)


def test_typed_line_amounts_and_total_are_not_what_is_kept(sales, request_for):
    """The F14 attack: 5 × ¥3,200 with the amount typed as ¥15,000 and the total as ¥99."""
    instance = sales.start("shipment_approval", request_for(), REP)
    _submit_forged_then_honest(sales, instance, _forged(ATTACK_LINES, [15000.0], 99.0), delivery_note(lines=ATTACK_LINES))
    [line] = instance.data["lines"]
    assert D(line["amount"]) == D("16000.00") and D(instance.data["total_amount"]) == D("16000.00")
    sales.complete(instance, "Task_StockArrangement", "dispatcher", STOCK)
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert instance.data["gm_approval_required"] is False  # decided on ¥16,000, not on ¥99
    assert sales.ready_elements(instance) == ["Task_UploadSignedFax"]


def test_the_authority_table_decides_on_the_computed_total_not_the_typed_one(sales, request_for):
    """80 × ¥3,200 = ¥256,000 typed as ¥99 in total: the general manager still approves."""
    lines = [("MTR001", "YE3-80M2-2 1.1kW", 80, 3200.0)]
    instance = sales.start("shipment_approval", request_for(), REP)
    _submit_forged_then_honest(sales, instance, _forged(lines, [99.0], 99.0), delivery_note(lines=lines))
    assert D(instance.data["total_amount"]) == D("256000.00")
    sales.complete(instance, "Task_StockArrangement", "dispatcher", STOCK)
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert instance.data["gm_approval_required"] is True
    assert sales.ready_elements(instance) == ["Task_GMApproval"]


def test_every_line_is_computed_and_the_total_sums_them(sales, request_for):
    lines = [("PRT001", "108-16", 3, 33.33), ("PRT001", "108-16", 7, 0.01), ("MTR001", "YE3-80M2-2 1.1kW", 1, 950.0)]
    instance = sales.start("shipment_approval", request_for(), REP)
    sales.complete(instance, "Task_FillDeliveryNote", REP, delivery_note(lines=lines))
    assert [D(line["amount"]) for line in instance.data["lines"]] == [D("99.99"), D("0.07"), D("950.00")]
    assert D(instance.data["total_amount"]) == D("1050.06")
