"""A customer's region is one the organisation knows: its list of regions,
or one its people or customer files already name; anything else is refused."""
import pytest

from app.actions import BusinessRuleViolation
from app.extensions import db
from app.models import Region


def test_a_region_of_the_organisation_s_list_is_accepted_before_anyone_works_there(world, act):
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.change_customer", customer="D00001", region="港澳", reason="新设大区")
    assert raised.value.code == "unknown_region"
    db.session.add(Region(code="hkmo", name="港澳", position=6))
    db.session.flush()
    act("ledger.change_customer", customer="D00001", region="港澳", reason="新设大区")
    assert world.c1.region == "港澳"


def test_a_region_one_of_the_organisation_s_people_works_in_stays_valid(world, act):
    from tests.ledger.users import add_user as _user

    _user("hk_rep", "港澳业务员", ["sales_rep"]).region = "港澳"
    db.session.flush()
    act("ledger.change_customer", customer="D00002", region="港澳", reason="划入港澳")
    assert world.c2.region == "港澳"
