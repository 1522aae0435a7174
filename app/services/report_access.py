"""Who reads the reports, and how much of them.

Sales reports (monthly figures, receivables ageing, returns, advances):

- the sales director, the general manager, finance, the statisticians, the
  sales office (``sales_admin``) and auditors read everything;
- a regional manager reads their region, and the customers they serve
  themselves in any region;
- a sales rep reads only what is credited to them (their own salesperson
  figures);
- anyone else is refused.

Process analytics (where the process loses time) is for the analysts
(``process_admin``), managers and auditors.

The scope is applied by the queries, so a reader never receives figures
outside it, whatever filter they send."""
from dataclasses import dataclass

from sqlalchemy import false, or_

from app.errors import Forbidden
from app.models import User

EVERYTHING = ("sales_director", "general_manager", "finance", "statistician", "sales_admin", "auditor")
REGION, OWN = "regional_manager", "sales_rep"
ANALYTICS_READERS = ("process_admin", "sales_director", "general_manager", "sales_admin", "service_manager",
                     "regional_manager", "auditor")


@dataclass(frozen=True)
class ReportScope:
    """``kind`` is "all", "region" or "own"."""

    kind: str
    user_id: int | None = None
    region: str | None = None

    @property
    def everything(self) -> bool:
        return self.kind == "all"

    def covers(self, salesperson_id: int | None, region: str | None) -> bool:
        """Whether a figure credited to ``salesperson_id`` in ``region`` is inside the scope."""
        if self.kind == "all":
            return True
        if salesperson_id is not None and salesperson_id == self.user_id:
            return True
        return self.kind == "region" and self.region is not None and region == self.region

    def clause(self, salesperson_column, region_column):
        """The same test as an SQL condition on two columns; None: no condition."""
        if self.kind == "all":
            return None
        mine = salesperson_column == self.user_id
        if self.kind == "region":
            return or_(mine, region_column == self.region) if self.region else mine
        return mine if self.user_id is not None else false()


def may_read_reports(user: User | None) -> bool:
    return bool(user) and any(user.has_role(code) for code in (*EVERYTHING, REGION, OWN))


def report_scope(user: User) -> ReportScope:
    """The part of the sales reports ``user`` reads. Raises Forbidden."""
    if any(user.has_role(code) for code in EVERYTHING):
        return ReportScope("all")
    if user.has_role(REGION):
        return ReportScope("region", user.id, user.region)
    if user.has_role(OWN):
        return ReportScope("own", user.id, user.region)
    raise Forbidden("Reading the sales reports needs a sales, finance or management role.")


def may_read_analytics(user: User | None) -> bool:
    return bool(user) and any(user.has_role(code) for code in ANALYTICS_READERS)


def require_analytics_reader(user: User) -> None:
    """Raises Forbidden unless ``user`` may read the process analytics."""
    if not may_read_analytics(user):
        raise Forbidden(f"Process analytics needs one of the roles {', '.join(ANALYTICS_READERS)}.")
