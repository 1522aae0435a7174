"""/prices/: the price master data pages (价目表 → 价格项 → 调价单联查,
定价策略) and the forms the keepers use for new lists, items on lists no
customer uses yet, new pricing strategies (and the rate of one no rule
uses) and new matching rules. A refused entry comes back to the page it was
made on with a sentence saying what to fix; a live price points to the
price adjustment request (F16) instead of a form."""
from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext as _, lazy_gettext
from flask_login import current_user, login_required

from app.errors import LanesError
from app.services import price_master
from app.web import bp

MAX_ID = 2147483647

REFUSALS = {
    "live_price_list": lazy_gettext("Customers are priced from this list: change its prices with a price adjustment request."),
    "rule_changes_live_price": lazy_gettext("Another rule already prices these customers and products: the new rule would change "
                                  "a live price. Change it with a price adjustment request."),
    "price_rule_tie": lazy_gettext("A rule with the same customer, product and priority is valid at the same time."),
    "nc_class_rule": lazy_gettext("This product class is already matched to another customer class (one product class, one "
                        "customer class)."),
    "price_item_overlap": lazy_gettext("An item for the same product, unit and quantity break is valid at the same time."),
    "duplicate_price_list": lazy_gettext("A price list already has this code."),
    "invalid_validity": lazy_gettext("Entries apply from today or later, and end after they start."),
    "unknown_material": lazy_gettext("No product has this code."),
    "unknown_material_class": lazy_gettext("No product class has this code."),
    "unknown_customer": lazy_gettext("No customer has this code."),
    "unknown_customer_class": lazy_gettext("No customer class has this code."),
    "price_rule_target": lazy_gettext("Name one customer or customer class, and one product or product class."),
    "price_item_target": lazy_gettext("Name one product, or one product class with its unit."),
    "live_pricing_strategy": lazy_gettext("A matching rule uses this strategy: its rate is a live price. Make a new strategy "
                                          "instead, or change prices with a price adjustment request."),
    "duplicate_pricing_strategy": lazy_gettext("A pricing strategy already has this code."),
    "unknown_price_list": lazy_gettext("No price list has this code."),
    "invalid_rate": lazy_gettext("A discount is above 0 and below 100 percent, a markup above 0 and at most 1000 percent."),
}
FIELD_TITLES = {
    "code": lazy_gettext("Code"), "name": lazy_gettext("Name"), "currency": lazy_gettext("Currency"), "material": lazy_gettext("Product"),
    "material_class": lazy_gettext("Product class"), "unit": lazy_gettext("Unit"), "min_qty": lazy_gettext("From quantity"),
    "unit_price": lazy_gettext("Unit price"), "valid_from": lazy_gettext("Valid from"), "valid_to": lazy_gettext("Valid to"),
    "customer": lazy_gettext("Customer"), "customer_class": lazy_gettext("Customer class"), "priority": lazy_gettext("Priority"),
    "price_list": lazy_gettext("Price list"), "base_price_list": lazy_gettext("Base price list"),
    "method": lazy_gettext("Pricing method"), "rate": lazy_gettext("Rate, percent"),
}


@bp.app_template_filter("unit_price")
def _unit_price(value) -> str:
    """A unit price in the reader's locale: two decimals, more when it has them (prices keep eight)."""
    return format_decimal(Decimal(value), format="#,##0.00######")


@bp.app_template_filter("quantity")
def _quantity(value) -> str:
    return format_decimal(Decimal(value), format="#,##0.####")


@bp.app_context_processor
def _prices_navigation():
    user = current_user
    return {"may_see_prices": bool(user and user.is_authenticated and price_master.may_read(user))}


def _refusal_text(error: LanesError) -> str:
    if error.code in REFUSALS:
        return str(REFUSALS[error.code])
    fields = list((error.details or {}).get("fields") or {})
    if fields:
        return _("Check %(field)s.", field=str(FIELD_TITLES.get(fields[0], fields[0])))
    return _("The entry was refused: %(message)s", message=error.message)


def _keep(write, back: str, done: str):
    """Run ``write`` (a keeper's entry); a refusal they can fix comes back
    to ``back`` as a sentence, 403s stay 403 pages."""
    try:
        write()
    except LanesError as error:
        if error.status in (401, 403):
            raise
        flash(_refusal_text(error), "error")
    else:
        flash(done)
    return redirect(back, code=303)


def _form(*names) -> dict:
    return {name: request.form.get(name, "").strip()[:200] for name in names}


@bp.get("/prices/")
@login_required
def price_lists():
    return render_template("prices/lists.html", lists=price_master.price_lists(current_user),
                           may_keep=price_master.may_keep(current_user))


@bp.post("/prices/")
@login_required
def price_list_create():
    data = {**_form("code", "name", "currency"), "tax_inclusive": request.form.get("tax_inclusive") == "yes"}
    data["currency"] = data["currency"] or "CNY"
    return _keep(lambda: price_master.create_price_list(current_user, data), url_for("web.price_lists"),
                 _("Price list %(code)s created.", code=data["code"]))


@bp.get("/prices/<string(maxlength=32):code>")
@login_required
def price_list(code: str):
    return render_template("prices/list.html", plist=price_master.price_list(current_user, code),
                           may_keep=price_master.may_keep(current_user))


@bp.post("/prices/<string(maxlength=32):code>/items")
@login_required
def price_item_create(code: str):
    data = _form("material", "material_class", "unit", "min_qty", "unit_price", "valid_from", "valid_to")
    return _keep(lambda: price_master.add_item(current_user, code, data), url_for("web.price_list", code=code),
                 _("Price item added."))


@bp.post("/prices/<string(maxlength=32):code>/rules")
@login_required
def price_rule_create(code: str):
    data = {**_form("customer", "customer_class", "material", "material_class", "priority", "valid_from", "valid_to"),
            "price_list": code}
    return _keep(lambda: price_master.add_rule(current_user, data), url_for("web.price_list", code=code),
                 _("Matching rule added."))


@bp.get(f"/prices/items/<int(max={MAX_ID}):item_id>")
@login_required
def price_item(item_id: int):
    return render_template("prices/item.html", item=price_master.item_trace(current_user, item_id))


@bp.get("/prices/sheets/<string(maxlength=32):number>")
@login_required
def price_sheet(number: str):
    return render_template("prices/sheet.html", sheet=price_master.sheet_items(current_user, number))


@bp.get("/prices/strategies/")
@login_required
def pricing_strategies():
    return render_template("prices/strategies.html", strategies=price_master.pricing_strategies(current_user),
                           lists=price_master.price_lists(current_user), may_keep=price_master.may_keep(current_user))


@bp.post("/prices/strategies/")
@login_required
def pricing_strategy_create():
    data = _form("code", "name", "base_price_list", "method", "rate", "valid_from", "valid_to")
    return _keep(lambda: price_master.create_strategy(current_user, data), url_for("web.pricing_strategies"),
                 _("Pricing strategy %(code)s created.", code=data["code"]))


@bp.get("/prices/strategies/<string(maxlength=32):code>")
@login_required
def pricing_strategy(code: str):
    return render_template("prices/strategy.html", strategy=price_master.pricing_strategy(current_user, code),
                           may_keep=price_master.may_keep(current_user))


@bp.post("/prices/strategies/<string(maxlength=32):code>/rate")
@login_required
def pricing_strategy_rate(code: str):
    return _keep(lambda: price_master.change_strategy(current_user, code, _form("method", "rate")),
                 url_for("web.pricing_strategy", code=code), _("Rate changed."))


@bp.post("/prices/strategies/<string(maxlength=32):code>/rules")
@login_required
def pricing_strategy_rule_create(code: str):
    data = {**_form("customer", "customer_class", "material", "material_class", "priority", "valid_from", "valid_to"),
            "strategy": code}
    return _keep(lambda: price_master.add_rule(current_user, data), url_for("web.pricing_strategy", code=code),
                 _("Matching rule added."))
