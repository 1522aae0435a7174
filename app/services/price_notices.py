"""Telling the salespeople that a price list their customers buy from has
changed (F16's last step), in the command's own transaction like every
other notification."""
from app.actions import ActionCall, action
from app.ledger.adjustments import sheet_by_number
from app.ledger.ownership import ensure_of_this_request
from app.ledger.price_impact import customers_of_rule_lines, customers_on_list, salespeople_of
from app.services.notifications import notify


@action("ledger.announce_price_change")
def announce_price_change(call: ActionCall, *, sheet: str) -> dict:
    """Notify the salesperson of every active customer whose rules point at
    the approved ``sheet``'s list or whom its rule lines name (by customer
    or class): which list, from when, which lines.
    Result {"sheet_no", "notified": [username]}. Raises ``unknown_sheet``,
    ``not_this_request``."""
    approved = sheet_by_number(sheet)
    ensure_of_this_request(call, approved, kind="price adjustment sheet")
    customers, _classes = customers_on_list(approved)
    reps = salespeople_of(customers + customers_of_rule_lines(approved))
    lines = "；".join(_line_text(line) for line in approved.lines)
    body = (f"价目表 {approved.price_list.code} 自 {approved.effective_date.isoformat()} 起调价"
            f"（调价单 {approved.number}）：{lines}")
    notify(reps, "price_changed", process=approved.number, body=body)
    return {"sheet_no": approved.number, "notified": [rep.username for rep in reps]}


def _code(obj) -> str:
    return obj.code if obj is not None else ""


def _line_text(line) -> str:
    """One line of the notice, by its kind."""
    target = _code(line.material) or _code(line.material_class)
    who = _code(line.customer) or _code(line.customer_class)
    to = _code(line.target_list) or _code(line.target_strategy)
    if line.kind == "new_item":
        return f"新增 {target} {line.new_price.normalize()}"
    if line.kind == "add_rule":
        return f"新增价格匹配 {who} × {target} → {to}"
    if line.kind == "end_rule":
        return f"停用价格匹配 {who} × {target}"
    if line.kind == "retarget_rule":
        old = line.rule.price_list or line.rule.pricing_strategy
        return f"价格匹配 {who} × {target} 由 {old.code} 改为 {to}"
    return f"{target} {line.old_price.normalize()} → {line.new_price.normalize()}"
