"""Lane resolvers that find a person from the instance's data."""
from types import SimpleNamespace

import pytest

from app.services.performers import NoPerformer, performer_for

DEALER = "浙江泵阀总经销有限公司"  # 华东, served by rep_east1 under rm_east


@pytest.fixture
def customers(master_data):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Customer

    return lambda name: db.session.scalar(select(Customer.code).where(Customer.name == name))


def _instance(org, starter="rep_east1"):
    return SimpleNamespace(started_by=org(starter))


def test_the_customers_regional_manager_is_the_one_over_its_salesperson(org, customers):
    # 华东 has two regional managers (rm_east and the director's assistant); rm_east manages rep_east1
    for field in ("customer_code", "customer"):
        performer = performer_for("@regional_manager_of_customer", _instance(org), {field: customers(DEALER)}, "审批")
        assert performer.username == "rm_east"


def test_an_unknown_customer_finds_nobody(org, customers):
    with pytest.raises(NoPerformer):
        performer_for("@regional_manager_of_customer", _instance(org), {"customer": "NOPE"}, "审批")


def test_the_salesperson_lane_is_the_named_user(org):
    assert performer_for("@salesperson", _instance(org, "sales_admin"), {"salesperson": "rep_east2"}, "提交票据").username == "rep_east2"
    with pytest.raises(NoPerformer):
        performer_for("@salesperson", _instance(org, "sales_admin"), {}, "提交票据")


def test_the_region_lane_is_the_regions_manager(org):
    """A multi-instance step over regions (the sales plan's consolidation) gives each item's manager."""
    assert performer_for("@regional_manager_of_region", _instance(org, "sales_admin"), {"region": "华东"}, "汇总").username == "rm_east"
    for data in ({"region": "无此大区"}, {}):
        with pytest.raises(NoPerformer):
            performer_for("@regional_manager_of_region", _instance(org, "sales_admin"), data, "汇总")
