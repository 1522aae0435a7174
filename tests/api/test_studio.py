"""/studio: the panel's choices and the shared drafts (save, stale save 409,
discard, the deploy lint run on a draft), for process admins; auditors read
only; everyone else is refused."""
from app.services.deployment import REPO_ROOT
from tests.support.api_client import PREFIX, error_of

TRAVEL = (REPO_ROOT / "processes" / "travel_request.bpmn").read_text(encoding="utf-8")


def _call(api, username, method, path, **kwargs):
    user = api(username)
    return getattr(user.client, method)(PREFIX + path, headers=user.headers, **kwargs)


def test_choices_offer_roles_forms_operations_and_stages(api):
    choices = api("process_admin").ok("get", "/studio/choices")
    lanes = {lane["value"]: lane for lane in choices["lanes"]}
    assert lanes["general_manager"]["kind"] == "role" and lanes["general_manager"]["label"]
    assert lanes["@manager_of_requester"]["kind"] == "resolver"
    assert {"approval.json", "travel_request.json"} <= set(choices["forms"])
    assert choices["operations"]["ledger.check_traveller"] == []
    contract = {p["name"]: p for p in choices["operations"]["ledger.register_contract"]}
    assert contract["customer"]["required"] and contract["customer"]["type"] == "str"
    assert {"contract", "claim", "order"} <= set(choices["approval_stages"])
    starters = {role["value"] for role in choices["start_roles"]}
    assert "sales_rep" in starters and "auditor" not in starters
    assert api("auditor").ok("get", "/studio/choices")["forms"] == choices["forms"]


def test_a_sales_rep_is_refused_everywhere(api):
    for method, path, kwargs in [("get", "/studio/choices", {}), ("get", "/studio/drafts/travel_request", {}),
                                 ("put", "/studio/drafts/travel_request", {"json": {"xml": TRAVEL, "revision": 0}}),
                                 ("delete", "/studio/drafts/travel_request", {}),
                                 ("post", "/studio/drafts/travel_request/check", {})]:
        error_of(_call(api, "rep_east1", method, path, **kwargs), 403)


def test_save_reload_stale_save_and_discard(api):
    admin = api("process_admin")
    error_of(_call(api, "process_admin", "get", "/studio/drafts/travel_request"), 404)
    first = _call(api, "process_admin", "put", "/studio/drafts/travel_request", json={"xml": TRAVEL, "revision": 0})
    assert first.status_code == 200, first.get_json()
    draft = first.get_json()
    assert (draft["revision"], draft["base_version"], draft["updated_by"]) == (1, 1, "process_admin")
    edited = TRAVEL.replace('name="总经理审批"', 'name="总经理批准"')
    second = _call(api, "process_admin", "put", "/studio/drafts/travel_request", json={"xml": edited, "revision": 1})
    assert second.get_json()["revision"] == 2
    assert admin.ok("get", "/studio/drafts/travel_request")["xml"] == edited
    # Another editor who started from revision 1 does not overwrite revision 2.
    stale = error_of(_call(api, "process_admin", "put", "/studio/drafts/travel_request",
                           json={"xml": TRAVEL, "revision": 1}), 409, "stale_draft")
    assert stale["details"]["updated_by"] == "process_admin" and stale["details"]["revision"] == 2
    assert "process_admin" in stale["message"]
    assert admin.ok("get", "/studio/drafts/travel_request")["xml"] == edited
    assert api("auditor").ok("get", "/studio/drafts/travel_request")["revision"] == 2
    assert _call(api, "process_admin", "delete", "/studio/drafts/travel_request").status_code == 204
    error_of(_call(api, "process_admin", "get", "/studio/drafts/travel_request"), 404)
    # After a discard a save from the old revision is stale too.
    error_of(_call(api, "process_admin", "put", "/studio/drafts/travel_request", json={"xml": edited, "revision": 2}),
             409, "stale_draft")


def test_auditors_may_not_write(api):
    error_of(_call(api, "auditor", "put", "/studio/drafts/travel_request", json={"xml": TRAVEL, "revision": 0}),
             403, "read_only")
    assert _call(api, "process_admin", "put", "/studio/drafts/travel_request",
                 json={"xml": TRAVEL, "revision": 0}).status_code == 200
    error_of(_call(api, "auditor", "delete", "/studio/drafts/travel_request"), 403, "read_only")
    error_of(_call(api, "auditor", "post", "/studio/drafts/travel_request/check"), 403, "read_only")


def test_bad_input_is_named(api):
    error_of(_call(api, "process_admin", "put", "/studio/drafts/travel_request", json={"xml": TRAVEL}), 422)
    error_of(_call(api, "process_admin", "put", "/studio/drafts/travel_request",
                   json={"xml": TRAVEL, "revision": -1}), 422)
    error_of(_call(api, "process_admin", "put", "/studio/drafts/no_such_process",
                   json={"xml": TRAVEL, "revision": 0}), 404)
    error_of(_call(api, "process_admin", "post", "/studio/drafts/travel_request/check"), 404)


def test_check_runs_the_deploy_lint_on_the_draft(api):
    admin = api("process_admin")
    _call(api, "process_admin", "put", "/studio/drafts/travel_request", json={"xml": TRAVEL, "revision": 0})
    assert admin.ok("post", "/studio/drafts/travel_request/check")["problems"] == []
    broken = TRAVEL.replace('<spiffworkflow:property name="formJsonSchemaFilename" value="approval.json" />',
                            '<spiffworkflow:property name="formJsonSchemaFilename" value="no_such_form.json" />', 1)
    broken = broken.replace('id="ledger.check_traveller"', 'id="ledger.no_such_operation"')
    _call(api, "process_admin", "put", "/studio/drafts/travel_request", json={"xml": broken, "revision": 1})
    checked = admin.ok("post", "/studio/drafts/travel_request/check")
    found = {(p["element_id"], p["message"]) for p in checked["problems"]}
    assert checked["revision"] == 2
    assert ("Task_ManagerApproval", "Form 'no_such_form.json' is neither uploaded nor deployed before.") in found
    assert ("Task_CheckTraveller", "Operation 'ledger.no_such_operation' is not registered.") in found
    garbage = _call(api, "process_admin", "put", "/studio/drafts/travel_request", json={"xml": "<not xml", "revision": 2})
    assert garbage.status_code == 200
    problems = admin.ok("post", "/studio/drafts/travel_request/check")["problems"]
    assert problems and problems[0]["file"] == "travel_request.bpmn"


def test_two_saves_from_one_revision_cannot_both_land(app, api):
    """The second of two saves read at revision 1 is refused by the update
    itself, even when it passed the revision check before the first landed."""
    from app.extensions import db
    from app.models import StudioDraft

    _call(api, "process_admin", "put", "/studio/drafts/travel_request", json={"xml": TRAVEL, "revision": 0})
    draft = db.session.query(StudioDraft).filter_by(process_key="travel_request").one()
    db.session.execute(db.update(StudioDraft).where(StudioDraft.id == draft.id)
                       .values(revision=StudioDraft.revision + 1, xml="<theirs/>")
                       .execution_options(synchronize_session=False))  # another process's save
    draft.xml = "<mine/>"
    try:
        db.session.flush()
    except Exception as exc:  # noqa: BLE001  (the ORM's stale-data error)
        assert type(exc).__name__ == "StaleDataError"
    else:
        raise AssertionError("a save from a stale revision landed")
    finally:
        db.session.rollback()


def test_a_draft_with_an_entity_is_refused_by_the_check_not_parsed(api):
    hostile = TRAVEL.replace('<?xml version="1.0" encoding="UTF-8"?>',
                             '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>')
    assert hostile != TRAVEL
    assert _call(api, "process_admin", "put", "/studio/drafts/travel_request",
                 json={"xml": hostile, "revision": 0}).status_code == 200
    problems = api("process_admin").ok("post", "/studio/drafts/travel_request/check")["problems"]
    assert len(problems) == 1 and "DOCTYPE" in problems[0]["message"] and "root:" not in problems[0]["message"]
