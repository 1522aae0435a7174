"""Telling the salespeople that a price list their customers buy from has
changed (F16's last step), in the command's own transaction like every
other notification."""
from app.actions import ActionCall, action
from app.ledger.adjustments import sheet_by_number
from app.ledger.ownership import ensure_of_this_request
from app.ledger.price_impact import customers_on_list, salespeople_of
from app.services.notifications import notify


@action("ledger.announce_price_change")
def announce_price_change(call: ActionCall, *, sheet: str) -> dict:
    """Notify the salesperson of every active customer whose rules point at
    the approved ``sheet``'s list: which list, from when, which lines.
    Result {"sheet_no", "notified": [username]}. Raises ``unknown_sheet``,
    ``not_this_request``."""
    approved = sheet_by_number(sheet)
    ensure_of_this_request(call, approved, kind="price adjustment sheet")
    customers, _classes = customers_on_list(approved)
    reps = salespeople_of(customers)
    lines = "；".join(f"{line.material.code if line.material else line.material_class.code} "
                     f"{line.old_price.normalize()} → {line.new_price.normalize()}" for line in approved.lines)
    body = (f"价目表 {approved.price_list.code} 自 {approved.effective_date.isoformat()} 起调价"
            f"（调价单 {approved.number}）：{lines}")
    notify(reps, "price_changed", process=approved.number, body=body)
    return {"sheet_no": approved.number, "notified": [rep.username for rep in reps]}
