"""Sales assessment scheme versions for tests: ``approve_scheme("DEALER")``
saves the next version of scheme KH, approved by the first sales director
or general manager on file."""
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.ledger.assessment_schemes import APPROVER_ROLES, add_scheme_version
from app.models import User


def approve_scheme(base: str, *, valid_from: date = date(2026, 1, 1), pct="100", code: str = "KH"):
    approver = next(user for user in db.session.scalars(select(User).order_by(User.username))
                    if any(user.has_role(role) for role in APPROVER_ROLES))
    return add_scheme_version(code=code, name="回款考核方案", valid_from=valid_from, base_price_list=base, charge_pct=pct,
                              approver=approver)
