"""The migration that scopes role tasks by organisation backfills what ran
before it: an instance belongs to its starter's organisation (HQ without a
membership), its role tasks to that organisation, a task given to one
person to none; and it goes down and up again."""
import sqlalchemy as sa

from tests.support.backfill import upgraded_over

THIS = "7c2e9f4a1d36"  # the migration that added process_instance.org_unit_id and human_task.candidate_org_id

_ROWS = [
    "INSERT INTO \"user\" (id, username, display_name, password_hash, active, level, created_at, session_version) "
    "VALUES (7, 'ann', 'Ann', 'x', true, 'staff', '2026-11-01 00:00:00', 0), "
    "(8, 'bob', 'Bob', 'x', true, 'staff', '2026-11-01 00:00:00', 0)",
    "INSERT INTO org_unit (id, code, name, name_en, is_sales, is_stock, created_at) "
    "VALUES (50, 'FAC', '工厂', 'Factory', false, true, '2026-11-01 00:00:00')",
    "INSERT INTO org_unit_member (user_id, org_unit_id, created_at) VALUES (8, 50, '2026-11-01 00:00:00')",
    "INSERT INTO process_definition (id, key, version, name, content_hash, bpmn_file, files, spec, user_tasks, "
    "engine_version, deployed_at, start_roles) VALUES (3, 'p', 1, 'P', 'h', 'p.bpmn', '{}', '', '[]', '3.2.0', "
    "'2026-11-01 00:00:00', '[]')",
    "INSERT INTO process_instance (id, definition_id, process_key, status, state, data, engine_version, version, "
    "started_by_id, started_at, audit_seq, audit_head) VALUES "
    "(11, 3, 'p', 'running', '', '{}', '3.2.0', 1, 7, '2026-11-02 00:00:00', 0, ''), "
    "(12, 3, 'p', 'running', '', '{}', '3.2.0', 1, 8, '2026-11-02 00:00:00', 0, '')",
    "INSERT INTO human_task (id, instance_id, task_guid, element_id, name, candidate_role, assignee_id, "
    "is_approval, status, default_escalation, created_at) VALUES "
    "(21, 11, 'a', 'T', 'T', 'finance', NULL, false, 'ready', true, '2026-11-02 00:00:00'), "
    "(22, 12, 'b', 'T', 'T', 'finance', NULL, false, 'ready', true, '2026-11-02 00:00:00'), "
    "(23, 12, 'c', 'U', 'U', NULL, 7, false, 'ready', true, '2026-11-02 00:00:00')",
]


def test_instances_and_role_tasks_are_backfilled_with_their_organisation(tmp_path):
    with upgraded_over(tmp_path, THIS, _ROWS, absent=("process_instance", "org_unit_id")) as connection:
        hq = connection.scalar(sa.text("SELECT id FROM org_unit WHERE code = 'HQ'"))
        instances = dict(connection.execute(sa.text("SELECT id, org_unit_id FROM process_instance")).all())
        tasks = dict(connection.execute(sa.text("SELECT id, candidate_org_id FROM human_task")).all())
    assert instances == {11: hq, 12: 50}
    assert tasks == {21: hq, 22: 50, 23: None}
