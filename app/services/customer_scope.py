"""Which customers a person works with: the customers the lookups offer them,
and the warning when a request names someone else's customer.

The rule, decided by roles:

- Everyone sees every customer, as before, except the two field roles below:
  office staff (any 内勤 role: sales office, director's assistant, ...),
  the sales director, the general manager, finance, auditors, process
  administrators, and anyone who is neither a sales rep nor a regional
  manager (warehouse, quality, ...).
- A sales rep (holds ``sales_rep`` and nothing that sees everything, i.e.
  rep is their only sales role) is offered the active customers of their
  own region and the active customers they serve (``salesperson_id`` is
  them, in any region).
- A regional manager (holds ``regional_manager`` and nothing that sees
  everything) is offered the same: their region's and their own.

The lookup narrows what is *offered*; it refuses nothing. A request that
names a customer that is not the person's own is a warning the person
confirms (web: a tick box; API: ``confirm_foreign_customer: true``), and the
confirmation is written to the request's audit chain. Whose a customer is:
for a rep, the customers they serve, and those of their region nobody
serves; for a regional manager, their region's and those they serve. The
ledger credits what a request sells to the customer's salesperson and
region (``app.ledger.customers.attribution``), never to the starter: the
warning says so.
"""
from dataclasses import dataclass

from sqlalchemy import or_, select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import Customer, Staffing, User
from app.services.reference_checks import picked

CUSTOMER_REF = "customer"
REP, MANAGER = "sales_rep", "regional_manager"
# Roles that see every customer whatever else the person holds (office roles count too: User.staffing).
SEES_ALL_CUSTOMERS = ("auditor", "finance", "general_manager", "sales_director", "process_admin")
# How many lookup options are read before the scope filters them; a scoped person's customers are few.
SCAN_LIMIT = 5000
CONFIRM_FIELD = "confirm_foreign_customer"
# The audit event that keeps a confirmed warning, beside the start or the step (re-execution skips it).
ACKNOWLEDGED = "foreign_customer_acknowledged"


@dataclass(frozen=True)
class Scope:
    kind: str  # REP or MANAGER
    user_id: int
    region: str | None


def scope_of(user: User | None) -> Scope | None:
    """The customer scope of ``user``; None: every customer (also for no
    user, the trusted command line)."""
    if user is None or user.staffing == Staffing.office or any(user.has_role(c) for c in SEES_ALL_CUSTOMERS):
        return None
    if user.has_role(MANAGER):
        return Scope(MANAGER, user.id, user.region)
    if user.has_role(REP):
        return Scope(REP, user.id, user.region)
    return None


def _offered(scope: Scope):
    mine = Customer.salesperson_id == scope.user_id
    return Customer.active.is_(True) & (or_(Customer.region == scope.region, mine) if scope.region else mine)


def offered_codes(user: User | None) -> set[str] | None:
    """The codes of the customers ``user``'s lookups offer; None: all."""
    scope = scope_of(user)
    if scope is None:
        return None
    return set(db.session.scalars(select(Customer.code).where(_offered(scope))))


def lookup_for(ref: str, q: str | None = None, user: User | None = None, limit: int | None = None) -> list[dict]:
    """``queries.lookup_values`` for ``user``: the customer lookup keeps only
    the customers their scope offers; other lookups, and callers without a
    user, get exactly what ``lookup_values`` gives. Raises NotFound as it does."""
    from app.services.queries import LOOKUP_LIMIT, lookup_values  # queries imports instances, which imports this

    limit = LOOKUP_LIMIT if limit is None else limit
    codes = offered_codes(user) if ref == CUSTOMER_REF else None
    if codes is None:
        return lookup_values(ref, q, limit)
    if not codes:
        lookup_values(ref, q, 1)  # still NotFound for an unknown ref
        return []
    return [option for option in lookup_values(ref, q, SCAN_LIMIT) if option["value"] in codes][:limit]


def _is_theirs(scope: Scope, customer: Customer) -> bool:
    if customer.salesperson_id == scope.user_id:
        return True
    same_region = scope.region is not None and customer.region == scope.region
    if scope.kind == MANAGER:
        return same_region
    return same_region and customer.salesperson_id is None


def _message(found: dict) -> str:
    customer = f"{found['customer']} {found['name']}"
    if found["salesperson"]:
        return (f"{customer} is served by {found['salesperson_name']} ({found['region']}): the ledger credits what "
                f"this request sells to {found['salesperson_name']}, not to you.")
    return (f"{customer} belongs to region {found['region']}, outside yours, and has no salesperson: the ledger "
            f"credits what this request sells to region {found['region']} and to no salesperson.")


def foreign_customers(user: User | None, schema: dict | None, data) -> list[dict]:
    """Every customer ``data`` names (fields marked ``"x-ref": "customer"``)
    that is not ``user``'s own: [{"field", "customer", "name", "region",
    "salesperson" (username or None), "salesperson_name", "credited_to",
    "message"}]. Empty for people who see every customer; unknown codes are
    the form validation's business."""
    scope = scope_of(user)
    if scope is None or not isinstance(data, dict):
        return []
    found = []
    for path, _ref, code in picked(schema or {}, data, (CUSTOMER_REF,)):
        field = ".".join(path)
        customer = db.session.scalar(select(Customer).where(Customer.code == code))
        if customer is None or _is_theirs(scope, customer):
            continue
        person = customer.salesperson
        entry = {"field": field, "customer": customer.code, "name": customer.name, "region": customer.region,
                 "salesperson": person.username if person else None,
                 "salesperson_name": person.display_name if person else None,
                 "credited_to": person.username if person else None}
        found.append({**entry, "message": _message(entry)})
    return found


def check_foreign_customers(user: User | None, schema: dict | None, data, confirmed: bool | None) -> list[dict]:
    """The foreign customers of ``data`` (see ``foreign_customers``) once the
    person has confirmed them. Raises ValidationFailed (``foreign_customer``,
    each field named, ``details.foreign_customers``) when there are some and
    ``confirmed`` is not True. ``confirmed`` None: a trusted caller that asks
    no one (the command line, the demo loader): nothing is checked or kept;
    the doors a person uses (web pages, API) always pass True or False."""
    if confirmed is None:
        return []
    found = foreign_customers(user, schema, data)
    if found and confirmed is not True:
        raise ValidationFailed(
            f"The request names a customer that is not yours; send {CONFIRM_FIELD}: true to go ahead.",
            code="foreign_customer",
            details={"fields": {f["field"]: [f["message"]] for f in found}, "foreign_customers": found})
    return found


def acknowledgement(found: list[dict]) -> dict:
    """What the audit chain keeps of a confirmed warning."""
    return {"customers": [{k: f[k] for k in ("field", "customer", "region", "salesperson", "credited_to")}
                          for f in found]}
