"""flask processes import-camunda: the converted files written, the report
printed per element, the deploy check's verdict as the exit code."""
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "camunda7"


def test_the_invoice_example_is_written_and_reported_and_fails_the_deploy_check(ctx, cli, deployed, tmp_path):
    invoice = CORPUS / "invoice"
    result = cli.invoke(args=["processes", "import-camunda", str(invoice / "invoice.v2.bpmn"),
                              str(invoice / "invoiceBusinessDecisions.dmn"), "--out", str(tmp_path),
                              "--map", "accounting=finance", "--map", "Approver=sales_director"])
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["invoice-assign-approver.dmn", "invoice.bpmn",
                                                          "invoiceClassification.dmn"]
    assert "ERROR   invoice.bpmn ServiceTask_1 (Archive Invoice): camunda:class=" in result.output
    assert "DEPLOY CHECK invoice.bpmn" in result.output and "problem(s) stop the result" in result.output
    assert "'Team Assistant' names no role" in result.output


def test_a_model_that_converts_cleanly_passes_the_deploy_check(ctx, cli, deployed, tmp_path):
    result = cli.invoke(args=["processes", "import-camunda", str(CORPUS / "handmade" / "leave_request.bpmn"),
                              "--out", str(tmp_path), "--key", "leave", "--map", "staff=sales_rep",
                              "--map", "Staff=sales_rep", "--map", "managers=regional_manager"])
    assert result.exit_code == 0, result.output
    assert "The deploy check passes." in result.output
    assert {"leave.bpmn", "leave_task_approve.json", "leave_task_confirm.json",
            "leave_start_event_requested.json"} == {p.name for p in tmp_path.iterdir()}
    assert 'id="leave"' in (tmp_path / "leave.bpmn").read_text(encoding="utf-8")


def test_a_bad_mapping_or_hostile_file_is_a_clear_error(ctx, cli, tmp_path):
    evil = tmp_path / "evil.bpmn"
    evil.write_bytes(b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>')
    result = cli.invoke(args=["processes", "import-camunda", str(evil), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "DOCTYPE" in result.output and not (tmp_path / "out").exists()
    result = cli.invoke(args=["processes", "import-camunda", str(CORPUS / "handmade" / "leave_request.bpmn"),
                              "--out", str(tmp_path / "out"), "--map", "nonsense"])
    assert result.exit_code == 1 and "group=role_code" in result.output
