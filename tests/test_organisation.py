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


def test_the_staffing_plan_roles_are_held_by_the_right_people(ctx):
    """营销编制: the director's office, the service manager and the four office
    specialists each have their own role; nobody holds a role for a job that
    is not theirs (the inspector is no statistician, the secretary no marketer)."""
    users = _load_and_read()
    assert users["secretary"].role_codes == ["secretary"]
    assert users["inspector"].role_codes == ["regional_inspector"]
    assert set(users["assistant"].role_codes) == {"director_assistant", "regional_manager"}  # 兼一个大区经理
    assert users["service_mgr"].has_role("service_manager")
    specialists = {"contracts_specialist", "customer_care_specialist", "tech_support_specialist", "graphic_designer"}
    holders = {code: [u.username for u in users.values() if u.has_role(code)] for code in specialists}
    assert all(len(people) == 1 for people in holders.values()), holders
    assert not users["inspector"].has_role("statistician") and not users["secretary"].has_role("marketing")


def test_office_and_field_staff_follow_the_plan(ctx):
    """内勤 serve and support the sale; 外勤 (regional managers, reps) are judged
    on sales targets; people outside marketing are neither."""
    from app.models import Staffing

    users = _load_and_read()
    office = {u.username for u in users.values() if u.staffing is Staffing.office}
    field = {u.username for u in users.values() if u.staffing is Staffing.field}
    assert {"director", "secretary", "assistant", "inspector", "service_mgr", "sales_admin", "tech_support",
            "designer"} <= office
    assert {u for u in users if u.startswith(("rm_", "rep_"))} == field
    assert users["finance"].staffing is None and users["gm"].staffing is None
    assert 20 <= len([u for u in field if u.startswith("rep_")]) <= 25 and len([u for u in field if u.startswith("rm_")]) == 5


def test_roles_keep_their_split_when_the_catalogue_is_loaded_again(ctx):
    from app.models import Role, Staffing
    from app.services.role_catalogue import ensure_roles

    roles = ensure_roles()
    roles["sales_rep"].staffing = None  # a database from before the split
    db.session.flush()
    ensure_roles()
    assert db.session.scalar(select(Role).where(Role.code == "sales_rep")).staffing is Staffing.field


def test_one_rep_is_stationed_at_a_field_office(ctx):
    users = _load_and_read()
    stationed = {u.username: u.field_office for u in users.values() if u.field_office}
    assert stationed == {"rep_shenyang": "沈阳办事处"} and users["rep_shenyang"].manager is users["rm_northeast"]
