"""The population an export or a sample is drawn from: the instances that
match a filter of the find page (app/services/audit_search.py), read from
the instances' summary rows in id order, a batch at a time from a
server-side cursor, whatever sort the find page had."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Iterator, Mapping

from sqlalchemy import select

from app.extensions import db
from app.models import InstanceSummary, ProcessDefinition, User
from app.services.audit_search import InstanceFilter, describe, filtered, parse_filter
from app.services.sample_draw import Member

BATCH = 1000
# English msgids of the columns, in order; the views translate them.
HEADER = ("Instance", "Process", "Version", "Process name", "Status", "Business key", "Customer code", "Customer",
          "Amount", "Started by", "Started at (UTC)", "Ended at (UTC)")


@dataclass(frozen=True)
class PopulationRow:
    id: int
    process_key: str
    version: int
    process_name: str
    status: str
    business_key: str | None
    customer_code: str | None
    customer_name: str | None
    amount: Decimal | None
    starter: str
    started_at: datetime
    ended_at: datetime | None

    def cells(self) -> list:
        return [self.id, self.process_key, self.version, self.process_name, self.status, self.business_key,
                self.customer_code, self.customer_name, self.amount, self.starter, self.started_at, self.ended_at]


def parse(args: Mapping[str, str]) -> InstanceFilter:
    """The find page's filter from query arguments. Raises BadFilter (400) naming the field."""
    return parse_filter(args)


def described(flt: InstanceFilter) -> dict:
    """The filter as given, without its sort and paging (a population has neither)."""
    return {name: value for name, value in describe(flt).items() if name != "sort"}


def _matching_ids(flt: InstanceFilter):
    return filtered(flt).order_by(None).with_only_columns(InstanceSummary.instance_id).scalar_subquery()


def _row_query():
    summary = InstanceSummary
    return (select(summary.instance_id, summary.process_key, ProcessDefinition.version, ProcessDefinition.name,
                   summary.status, summary.business_key, summary.customer_code, summary.customer_name,
                   summary.amount, User.username, summary.started_at, summary.ended_at)
            .join(ProcessDefinition, ProcessDefinition.id == summary.definition_id)
            .join(User, User.id == summary.started_by_id))


def rows(flt: InstanceFilter) -> Iterator[PopulationRow]:
    """Every matching instance, in id order, streamed."""
    query = (_row_query().where(InstanceSummary.instance_id.in_(_matching_ids(flt)))
             .order_by(InstanceSummary.instance_id).execution_options(yield_per=BATCH))
    for values in db.session.execute(query):
        yield PopulationRow(*values)


def members(flt: InstanceFilter) -> Iterator[Member]:
    """The matching instances as the sample draw sees them (id, process, amount), in id order, streamed."""
    summary = InstanceSummary
    query = (select(summary.instance_id, summary.process_key, summary.amount)
             .where(summary.instance_id.in_(_matching_ids(flt))).order_by(summary.instance_id)
             .execution_options(yield_per=BATCH * 10))
    for values in db.session.execute(query):
        yield Member(*values)


def rows_of(ids: list[int]) -> dict[int, PopulationRow]:
    """The rows of the given instances (a sample), by id."""
    query = _row_query().where(InstanceSummary.instance_id.in_(sorted(ids)))
    return {values[0]: PopulationRow(*values) for values in db.session.execute(query)}
