from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.demo.organisation import DEMO_PASSWORD, demo_people, load_demo_organisation
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.models import Delegation, Level, Region, User
from app.services import accounts
from app.services.role_catalogue import ROLE_CODES


def test_create_user_with_roles_and_manager(ctx):
    accounts.create_user("boss", "long-password", roles=["sales_director"], level="director")
    user = accounts.create_user("ann", "long-password", roles=["sales_rep", "sales_rep"], manager="boss", region="华东")
    assert user.role_codes == ["sales_rep"]
    assert user.manager.username == "boss" and user.level is Level.staff and user.region == "华东"


def test_create_user_names_every_bad_field(ctx):
    accounts.create_user("ann", "long-password")
    with pytest.raises(ValidationFailed) as caught:
        accounts.create_user("ann", "short", roles=["pilot"], level="emperor")
    assert set(caught.value.details["fields"]) == {"username", "password", "role", "level"}
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


def test_unknown_manager(ctx):
    with pytest.raises(NotFound):
        accounts.create_user("ann", "long-password", manager="ghost")


def test_cli_users_create_and_list(cli):
    result = cli.invoke(args=["users", "create", "ann", "--password", "long-password", "--role", "finance",
                              "--department", "财务部", "--level", "department_head"])
    assert result.exit_code == 0, result.output
    listing = cli.invoke(args=["users", "list"])
    assert "ann" in listing.output and "finance" in listing.output and "department_head" in listing.output


def test_cli_users_create_reports_bad_role(cli):
    result = cli.invoke(args=["users", "create", "ann", "--password", "long-password", "--role", "pilot"])
    assert result.exit_code != 0
    assert "role: Unknown role 'pilot'" in result.output


def test_delegation_covers_dates_and_processes(ctx):
    now = datetime(2026, 11, 27, tzinfo=timezone.utc)
    for_all = Delegation(valid_from=now, valid_to=now + timedelta(days=7))
    for_travel = Delegation(valid_from=now, valid_to=now + timedelta(days=7), process_keys=["travel_request"])
    assert for_all.covers("contract_shipment", now + timedelta(days=1))
    assert not for_all.covers("contract_shipment", now + timedelta(days=7))
    assert for_travel.covers("travel_request", now) and not for_travel.covers("mail_order", now)


def _load_and_read():
    load_demo_organisation()
    return {user.username: user for user in db.session.scalars(select(User))}


def test_demo_organisation_holds_every_role(ctx):
    users = _load_and_read()
    held = {code for user in users.values() for code in user.role_codes}
    assert held == ROLE_CODES


def test_demo_organisation_matches_the_staffing_plan(ctx):
    users = _load_and_read()
    regional_managers = [u for u in users.values() if u.username.startswith("rm_")]
    assert len(regional_managers) == 5
    for manager in regional_managers:
        reps = [u for u in users.values() if u.manager is manager and u.has_role("sales_rep")]
        assert 4 <= len(reps) <= 5 and all(rep.region == manager.region for rep in reps)
    assert len([u for u in users.values() if u.department == "营销部" and u.username.startswith(("sales_admin", "order_clerk", "billing_clerk"))]) == 4
    assert users["director"].manager is users["gm"]


def test_every_manager_chain_ends_at_the_gm(ctx):
    users = _load_and_read()
    gm = users["gm"]
    for user in users.values():
        seen, step = set(), user
        while step.manager is not None:
            assert step.id not in seen, f"cycle at {user.username}"
            seen.add(step.id)
            step = step.manager
        assert step is gm, user.username


def test_demo_load_is_idempotent_and_users_can_sign_in(ctx):
    first = load_demo_organisation()
    second = load_demo_organisation()
    assert first["created"] == len(demo_people()) and second == {"created": 0, "updated": len(demo_people())}
    assert db.session.scalar(select(db.func.count()).select_from(User)) == len(demo_people())
    assert accounts.authenticate("rep_south3", DEMO_PASSWORD).display_name == "陈家豪"


def test_demo_load_keeps_the_regions_as_master_data(ctx):
    load_demo_organisation()
    load_demo_organisation()
    regions = db.session.scalars(select(Region).order_by(Region.position)).all()
    assert [(r.code, r.name) for r in regions] == [
        ("east", "华东"), ("south", "华南"), ("north", "华北"), ("southwest", "西南"), ("northeast", "东北")]
    people = {user.region for user in db.session.scalars(select(User).where(User.region.is_not(None)))}
    assert people == {region.name for region in regions}  # everyone works in a region of the list


def test_cli_demo_load(cli):
    result = cli.invoke(args=["demo", "load"])
    assert result.exit_code == 0 and f"{len(demo_people())} created" in result.output
