"""The sales assessment scheme (销售考核方案, seed §八.1) as versioned master
data: which version is in force for a month, and adding an approved version.
A version is never changed; a change of rules is a new version."""
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select

from app import clock
from app.actions import BusinessRuleViolation
from app.extensions import db
from app.ledger.catalogue import price_list_by_code
from app.ledger.months import month_bounds
from app.models import AssessmentScheme, User

APPROVER_ROLES = ("sales_director", "general_manager")


def scheme_in_force(month: str) -> AssessmentScheme:
    """The scheme version that governs ``month``: of every version whose
    ``valid_from`` is on or before the month's last day, the one that
    started last (the later version when two start the same day). Raises
    BusinessRuleViolation ``invalid_month``, ``no_assessment_scheme``."""
    _start, end = month_bounds(month)
    scheme = db.session.scalar(select(AssessmentScheme).where(AssessmentScheme.valid_from < end)
                               .order_by(AssessmentScheme.valid_from.desc(), AssessmentScheme.id.desc()).limit(1))
    if scheme is None:
        raise BusinessRuleViolation("no_assessment_scheme", f"No sales assessment scheme is in force for {month}: "
                                    "a sales director or the general manager must approve one first.",
                                    {"month": month}, field="month")
    return scheme


def add_scheme_version(*, code: str, name: str, valid_from: date, base_price_list: str, charge_pct,
                       approver: User) -> AssessmentScheme:
    """Save the next version of scheme ``code`` as approved by ``approver``
    now (flushes). Raises BusinessRuleViolation ``not_a_scheme_approver``
    (neither sales director nor general manager), ``invalid_scheme``
    (empty code or name), ``invalid_charge_pct`` (not 0–100),
    ``unknown_price_list``, ``scheme_backdated`` (not after the latest
    version's valid_from: months already governed keep their version)."""
    if not any(approver.has_role(role) for role in APPROVER_ROLES):
        raise BusinessRuleViolation("not_a_scheme_approver", "Only a sales director or the general manager approves "
                                    "an assessment scheme.", field="approved_by")
    code, name = (code or "").strip(), (name or "").strip()
    if not code or len(code) > 32 or not name or len(name) > 128:
        raise BusinessRuleViolation("invalid_scheme", "A scheme needs a code (up to 32) and a name (up to 128).",
                                    field="code" if not code or len(code) > 32 else "name")
    try:
        pct = Decimal(str(charge_pct))
    except InvalidOperation:
        pct = Decimal(-1)
    if not pct.is_finite() or not 0 <= pct <= 100 or pct != pct.quantize(Decimal("0.01")):
        raise BusinessRuleViolation("invalid_charge_pct", "The charged share is a percentage from 0 to 100.",
                                    field="charge_pct")
    plist = price_list_by_code(base_price_list, "base_price_list")
    latest = db.session.scalar(select(func.max(AssessmentScheme.valid_from)).where(AssessmentScheme.code == code))
    if latest is not None and valid_from <= latest:
        raise BusinessRuleViolation("scheme_backdated", f"A new version of {code} must start after {latest}.",
                                    {"latest_valid_from": latest.isoformat()}, field="valid_from")
    version = (db.session.scalar(select(func.max(AssessmentScheme.version)).where(AssessmentScheme.code == code)) or 0) + 1
    scheme = AssessmentScheme(code=code, version=version, name=name, valid_from=valid_from, base_price_list=plist,
                              charge_pct=pct, approved_by=approver, approved_at=clock.now())
    db.session.add(scheme)
    db.session.flush()
    return scheme
