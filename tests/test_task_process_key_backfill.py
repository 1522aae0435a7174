"""The migration that puts the process key on every task row fills it for
the rows made before it from each row's instance, and goes down and up
again."""
import sqlalchemy as sa

from tests.support.backfill import upgraded_over

THIS = "5e8b1c4d7a92"  # the migration that added human_task.process_key

_ROWS = [
    "INSERT INTO \"user\" (id, username, display_name, password_hash, active, level, created_at, session_version) "
    "VALUES (7, 'ann', 'Ann', 'x', true, 'staff', '2026-11-01 00:00:00', 0)",
    "INSERT INTO process_definition (id, key, version, name, content_hash, bpmn_file, files, spec, user_tasks, "
    "engine_version, deployed_at, start_roles) VALUES "
    "(3, 'travel_request', 1, 'T', 'h', 't.bpmn', '{}', '', '[]', '3.2.0', '2026-11-01 00:00:00', '[]'), "
    "(4, 'expense_advance', 1, 'E', 'i', 'e.bpmn', '{}', '', '[]', '3.2.0', '2026-11-01 00:00:00', '[]')",
    "INSERT INTO process_instance (id, definition_id, process_key, status, state, data, engine_version, version, "
    "started_by_id, started_at, audit_seq, audit_head) VALUES "
    "(11, 3, 'travel_request', 'running', '', '{}', '3.2.0', 1, 7, '2026-11-02 00:00:00', 0, ''), "
    "(12, 4, 'expense_advance', 'completed', '', '{}', '3.2.0', 1, 7, '2026-11-02 00:00:00', 0, '')",
    "INSERT INTO human_task (id, instance_id, task_guid, element_id, name, candidate_role, assignee_id, "
    "is_approval, status, default_escalation, created_at) VALUES "
    "(21, 11, 'a', 'T', 'T', NULL, 7, false, 'ready', true, '2026-11-02 00:00:00'), "
    "(22, 12, 'b', 'T', 'T', NULL, 7, false, 'completed', true, '2026-11-02 00:00:00'), "
    "(23, 12, 'c', 'U', 'U', NULL, 7, false, 'cancelled', true, '2026-11-02 00:00:00')",
]


def test_every_task_row_takes_its_instances_process_key(tmp_path):
    with upgraded_over(tmp_path, THIS, _ROWS, absent=("human_task", "process_key")) as connection:
        keys = dict(connection.execute(sa.text("SELECT id, process_key FROM human_task")).all())
    assert keys == {21: "travel_request", 22: "expense_advance", 23: "expense_advance"}
