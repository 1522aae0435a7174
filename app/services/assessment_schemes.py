"""Approving a version of the sales assessment scheme (销售考核方案)."""
from datetime import date

from app.ledger import assessment_schemes
from app.ledger.catalogue import user_by_username
from app.actions import BusinessRuleViolation
from app.services.unit_of_work import use_case


@use_case
def approve_scheme_version(approved_by: str, *, code: str, name: str, valid_from: date, base_price_list: str,
                           charge_pct) -> dict:
    """One use case: save the next version of scheme ``code``, approved by
    the user ``approved_by`` (a sales director or the general manager).
    Raises BusinessRuleViolation as ``assessment_schemes.add_scheme_version``
    and ``unknown_user``. Posts nothing to the journal."""
    approver = user_by_username(approved_by, "approved_by")
    if approver is None:
        raise BusinessRuleViolation("unknown_user", "The approver is required.", field="approved_by")
    scheme = assessment_schemes.add_scheme_version(code=code, name=name, valid_from=valid_from,
                                                   base_price_list=base_price_list, charge_pct=charge_pct,
                                                   approver=approver)
    return {"scheme": scheme.label, "valid_from": scheme.valid_from.isoformat(),
            "base_price_list": scheme.base_price_list.code, "charge_pct": f"{scheme.charge_pct:.2f}",
            "approved_by": approver.username}
