"""/lookups/{ref}: master data for "x-ref" form fields."""
import pytest

from app.services import queries
from tests.support.api_client import error_of


def test_user_lookup_matches_username_or_display_name(api):
    options = api("rep_east1").ok("get", "/lookups/user?q=RM_EA")
    assert options == [{"value": "rm_east", "label": "赵东来 (rm_east)", "name": "赵东来"}]
    assert api("rep_east1").ok("get", "/lookups/user?q=赵东")[0]["value"] == "rm_east"
    assert len(api("rep_east1").ok("get", "/lookups/user")) == queries.LOOKUP_LIMIT


def test_lookup_wildcards_are_literal(api):
    assert api("rep_east1").ok("get", "/lookups/user?q=%25") == []
    assert api("rep_east1").ok("get", "/lookups/user?q=rm%5Fea")[0]["value"] == "rm_east"  # "_" is a character


def test_region_role_and_customer_lookups(api, ctx, create_user):
    create_user("hk_rep", region="港澳")
    regions = [o["value"] for o in api("rep_east1").ok("get", "/lookups/region")]
    assert regions[:5] == ["华东", "华南", "华北", "西南", "东北"] and "港澳" in regions
    assert api("rep_east1").ok("get", "/lookups/region?q=华南") == [{"value": "华南", "label": "华南"}]
    assert api("rep_east1").ok("get", "/lookups/role?q=auditor") == [{"value": "auditor", "label": "审计 (Auditor)"}]
    assert api("rep_east1").ok("get", "/lookups/customer") == []


def test_regions_are_offered_in_the_organisation_s_order(api, ctx):
    from app.extensions import db
    from app.models import Region

    db.session.add(Region(code="hkmo", name="港澳", position=0))  # no one works there yet
    db.session.commit()
    regions = [o["value"] for o in api("rep_east1").ok("get", "/lookups/region")]
    assert regions == ["港澳", "华东", "华南", "华北", "西南", "东北"]


def test_inactive_users_are_not_offered(api, ctx, org):
    from app.extensions import db

    org("rep_east5").active = False
    db.session.commit()
    assert api("rep_east1").ok("get", "/lookups/user?q=rep_east5") == []


def test_registry_is_extensible(api, monkeypatch):
    monkeypatch.setitem(queries.LOOKUPS, "material", lambda q, limit: [{"value": "M-1", "label": f"螺栓 {q}"}])
    assert api("rep_east1").ok("get", "/lookups/material?q=x") == [{"value": "M-1", "label": "螺栓 x"}]


def test_unknown_lookup_is_404(api):
    error_of(api("rep_east1").get("/lookups/planets"), 404, "unknown_lookup")


@pytest.mark.parametrize("query", ["q=" + "x" * 101, "q=a%00b"])
def test_bad_lookup_queries_are_422(api, query):
    assert "q" in error_of(api("rep_east1").get(f"/lookups/user?{query}"), 422)["details"]["fields"]


def test_customer_and_material_options_carry_the_name_a_page_shows_beside_the_code(api, ctx, master_data):
    motor = api("rep_east1").ok("get", "/lookups/material?q=MTR001")[0]
    # six materials may share a name: the spec tells them apart
    assert motor == {"value": "MTR001", "label": "三相异步电机 (MTR001)", "name": "三相异步电机 YE3-80M2-2 1.1kW"}
    dealer = api("rep_east1").ok("get", "/lookups/customer?q=浙江泵阀总经销")[0]
    assert dealer["name"] == "浙江泵阀总经销有限公司" and dealer["label"] == f"浙江泵阀总经销有限公司 ({dealer['value']})"
    assert "name" not in api("rep_east1").ok("get", "/lookups/region?q=华南")[0]  # other lookups as before
