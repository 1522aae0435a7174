"""Who reads the reports (app/services/report_access.py): a rep is held to their own figures, a regional manager
to their region and own customers, the warehouse to nothing."""
import pytest
from sqlalchemy import select

from app.errors import Forbidden
from app.extensions import db
from app.models import User
from app.services.report_access import may_read_analytics, report_scope


@pytest.mark.parametrize("username", ["director", "gm", "finance", "statistician", "sales_admin", "auditor"])
def test_the_office_and_management_read_everything(org, username):
    scope = report_scope(org(username))
    assert scope.everything
    assert scope.covers(None, "华南") and scope.clause(User.id, User.region) is None


def test_a_regional_manager_reads_their_region_and_the_customers_they_serve(org):
    manager = org("rm_east")
    scope = report_scope(manager)
    assert scope.kind == "region" and scope.region == "华东"
    assert scope.covers(None, "华东") and scope.covers(manager.id, "华南")
    assert not scope.covers(org("rep_south1").id, "华南")


def test_a_rep_reads_only_what_is_credited_to_them(org):
    rep, colleague = org("rep_east1"), org("rep_east2")
    scope = report_scope(rep)
    assert scope.covers(rep.id, "华南")
    assert not scope.covers(colleague.id, "华东") and not scope.covers(None, "华东")
    # the SQL condition agrees with covers(): the rep's own user row only
    found = set(db.session.scalars(select(User.username).where(scope.clause(User.id, User.region))))
    assert found == {"rep_east1"}


@pytest.mark.parametrize("username", ["warehouse", "driver", "quality", "designer"])
def test_people_outside_sales_read_no_sales_report(org, username):
    with pytest.raises(Forbidden):
        report_scope(org(username))


def test_process_analytics_is_for_analysts_and_managers(org):
    assert may_read_analytics(org("process_admin")) and may_read_analytics(org("director"))
    assert not may_read_analytics(org("rep_east1")) and not may_read_analytics(org("warehouse"))

