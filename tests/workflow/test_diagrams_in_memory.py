"""SpiffWorkflow 3.2 runs every branch of every flow in memory. The ledger is a
stub here: this proves the diagrams, not the actions."""
import json
from dataclasses import dataclass, field

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.util.task import TaskState

from tests.workflow.diagram_files import DIAGRAMS, assert_valid_form
from tests.workflow.diagram_files import parser  # noqa: F401  (a fixture)


class StubLedger(PythonScriptEngine):
    """SpiffWorkflow 3.2 calls ``call_service(task, operation_name=..., operation_params={name: {"value",
    "type"}})`` and json.loads() what it returns into the result variable."""

    def __init__(self, answers):
        super().__init__()
        self.answers = list(answers)
        self.calls = []

    def call_service(self, task, operation_name, operation_params):
        self.calls.append((operation_name, {name: p["value"] for name, p in operation_params.items()}))
        if operation_name == "ledger.recruitment_in_force":  # a lookup every evaluation makes, always the same here
            return json.dumps(RECRUITMENT)
        return json.dumps(self.answers.pop(0))


@dataclass
class Step:
    task: str
    lane: str
    form: dict


@dataclass
class Scenario:
    name: str
    process: str
    level: str
    start: dict
    steps: list
    end: str
    ledger: list = field(default_factory=list)


TRIP = {"purpose": "拜访华东大区经销商", "reason": "客户提出现场需求", "destination": "上海", "start_date": "2025-03-03", "end_date": "2025-03-05",
        "transport": "火车", "estimated_cost": 2480.5, "companions": ["li.si"]}
APPROVE = {"decision": "approve", "comment": ""}
REJECT = {"decision": "reject", "comment": "费用偏高，请压缩"}
MANAGER = Step("Task_ManagerApproval", "@manager_of_requester", APPROVE)
MANAGER_REJECTS = Step("Task_ManagerApproval", "@manager_of_requester", REJECT)
HEAD = Step("Task_DepartmentHeadApproval", "@department_head_of_requester", APPROVE)
HEAD_REJECTS = Step("Task_DepartmentHeadApproval", "@department_head_of_requester", REJECT)
RESUBMIT = Step("Task_ReviseRequest", "@requester", {**TRIP, "estimated_cost": 1999.99, "action": "resubmit"})
WITHDRAW = Step("Task_ReviseRequest", "@requester", {**TRIP, "action": "withdraw"})

PROSPECT = {"company_name": "苏州恒达机电有限公司", "region": "华东", "province": "江苏", "contact_name": "王强",
            "contact_phone": "+86 512 6688 1234", "business_scope": "机电设备批发", "expected_annual_volume": 3200000.0,
            "intent_notes": "有意独家代理苏南地区"}
EVALUATE = Step("Task_FillEvaluation", "@requester", {
    "visit_date": "2025-03-10", "capital_strength_score": 4, "sales_network_score": 5, "logistics_score": 3,
    "reputation_score": 4, "team_score": 4, "total_score": 20, "overall_comment": "网络覆盖苏南五市，资金充足"})
RM = Step("Task_RegionalManagerReview", "@manager_of_requester",
          {**APPROVE, "recheck_date": "2025-03-12", "recheck_findings": "仓库 2000 平米，车队 6 辆"})
REPLY = Step("Task_ReplyRejection", "@requester", {"replied_on": "2025-03-15", "reply_channel": "visit", "reply_note": "已当面说明"})
RM_REJECTS = Step("Task_RegionalManagerReview", "@manager_of_requester", {"decision": "reject", "comment": "仓储未核实"})


def director(discount=3, days=30, credit=200000.0, decision="approve"):
    form = {"decision": decision, "comment": "同意", "annual_target": 5000000.0,
            "special_discount_pct": discount, "payment_days": days, "credit_limit": credit}
    return Step("Task_DirectorApproval", "sales_director", form)


GM = Step("Task_GMApproval", "general_manager", APPROVE)
GM_REJECTS = Step("Task_GMApproval", "general_manager", {"decision": "reject", "comment": "账期过长"})
CONTRACT_SCAN = {"name": "HT-2025-031.pdf", "type": "application/pdf", "size": 1024, "sha256": "a" * 64}
DECLINE = Step("Task_SignContract", "@requester", {"outcome": "declined", "decline_reason": "准客户不接受 30 天账期"})
SIGN = Step("Task_SignContract", "@requester", {"outcome": "signed", "contract_number": "HT-2025-031", "signed_date": "2025-03-20",
                                                "contract_file": CONTRACT_SCAN})
RECRUITMENT = {"ok": True, "handbook_version": "2025.1", "handbook_title": "2025 年招商手册", "published_on": "2025-01-10",
               "channel": "官网"}
RETRY = Step("Task_ResolveCustomerProblem", "@requester",
             {"company_name": "苏州恒达机电设备有限公司", "action": "retry"})
ABANDON = Step("Task_ResolveCustomerProblem", "@requester",
               {"company_name": PROSPECT["company_name"], "action": "abandon"})
CREATED = {"ok": True, "customer_code": "C-HD-0042"}
NO_PLAN = {"ok": True, "added": False, "reason": "no_plan", "year": 2025}  # the target has no issued plan to join
REFUSED = {"ok": False, "error": {"code": "duplicate_customer", "message": "同名客户已存在"}}
BEFORE_GM = [EVALUATE, RM]
APPLIES = {"ok": True, "traveller": "zhang.san", "level": "staff"}
FIELD_OFFICE = {"ok": False, "error": {"code": "field_office_staff", "message": "本流程不适用于驻外机构人员"}}

SCENARIOS = [
    Scenario("staff_approved_by_manager_and_head", "travel_request", "staff", TRIP, [MANAGER, HEAD], "EndEvent_Approved",
             [APPLIES]),
    *[Scenario(f"{level}_approved_by_manager_only", "travel_request", level, TRIP, [MANAGER], "EndEvent_Approved", [APPLIES])
      for level in ("manager", "general_manager")],
    *[Scenario(f"{level}_approved_by_the_gm", "travel_request", level, TRIP, [GM], "EndEvent_Approved", [APPLIES])
      for level in ("department_head", "director")],
    Scenario("field_office_staff_refused", "travel_request", "staff", TRIP, [], "EndEvent_NotApplicable", [FIELD_OFFICE]),
    Scenario("rejected_revised_resubmitted_approved", "travel_request", "staff", TRIP,
             [MANAGER_REJECTS, RESUBMIT, MANAGER, HEAD], "EndEvent_Approved", [APPLIES]),
    Scenario("rejected_then_withdrawn", "travel_request", "manager", TRIP, [MANAGER_REJECTS, WITHDRAW], "EndEvent_Withdrawn",
             [APPLIES]),
    Scenario("head_rejects_revised_resubmitted_approved", "travel_request", "staff", TRIP,
             [MANAGER, HEAD_REJECTS, RESUBMIT, MANAGER, HEAD], "EndEvent_Approved", [APPLIES]),
    Scenario("gm_rejects_revised_resubmitted_approved", "travel_request", "director", TRIP,
             [GM_REJECTS, RESUBMIT, GM], "EndEvent_Approved", [APPLIES]),
    Scenario("dealer_within_director_authority", "dealer_onboarding", "staff", PROSPECT,
             [*BEFORE_GM, director(), SIGN], "EndEvent_DealerEstablished", [CREATED, NO_PLAN]),
    Scenario("dealer_at_director_limits", "dealer_onboarding", "staff", PROSPECT,
             [*BEFORE_GM, director(5, 60, 500000.0), SIGN], "EndEvent_DealerEstablished", [CREATED, NO_PLAN]),
    *[Scenario(f"dealer_gm_approves_{why}", "dealer_onboarding", "staff", PROSPECT,
               [*BEFORE_GM, director(**terms), GM, SIGN], "EndEvent_DealerEstablished", [CREATED, NO_PLAN])
      for why, terms in [("discount", {"discount": 8}), ("payment_days", {"days": 90}), ("credit", {"credit": 800000.0})]],
    Scenario("dealer_regional_manager_sends_back", "dealer_onboarding", "staff", PROSPECT,
             [EVALUATE, RM_REJECTS, EVALUATE, RM, director(), SIGN], "EndEvent_DealerEstablished", [CREATED, NO_PLAN]),
    Scenario("dealer_director_rejects", "dealer_onboarding", "staff", PROSPECT,
             [*BEFORE_GM, director(decision="reject"), REPLY], "EndEvent_Rejected"),
    Scenario("dealer_gm_rejects", "dealer_onboarding", "staff", PROSPECT,
             [*BEFORE_GM, director(days=120), GM_REJECTS, REPLY], "EndEvent_Rejected"),
    Scenario("dealer_ledger_refuses_then_retry", "dealer_onboarding", "staff", PROSPECT,
             [*BEFORE_GM, director(), SIGN, RETRY], "EndEvent_DealerEstablished", [REFUSED, CREATED, NO_PLAN]),
    Scenario("dealer_ledger_refuses_then_abandon", "dealer_onboarding", "staff", PROSPECT,
             [*BEFORE_GM, director(), SIGN, ABANDON], "EndEvent_Abandoned", [REFUSED]),
    Scenario("dealer_prospect_declines_the_terms", "dealer_onboarding", "staff", PROSPECT,
             [*BEFORE_GM, director(), DECLINE], "EndEvent_ProspectDeclined", []),
]


def run(parser, scenario):
    """Start the flow as the engine does, complete each step's form, return (workflow, ledger)."""
    spec = parser.get_spec(scenario.process)
    ledger = StubLedger(scenario.ledger)
    wf = BpmnWorkflow(spec, parser.get_subprocess_specs(scenario.process), script_engine=ledger)
    assert_valid_form(spec.task_specs[spec.start.outputs[0].name].extensions["properties"]["formJsonSchemaFilename"],
                      scenario.start)
    [start] = wf.get_tasks(state=TaskState.READY)
    start.data.update(scenario.start)
    start.data["requester"] = {"username": "zhang.san", "display_name": "张三", "level": scenario.level,
                               "department": "销售部", "region": "华东"}
    wf.do_engine_steps()
    for step in scenario.steps:
        ready = wf.get_tasks(state=TaskState.READY, manual=True)
        assert [t.task_spec.bpmn_id for t in ready] == [step.task]
        task = ready[0]
        assert task.task_spec.lane == step.lane
        assert_valid_form(task.task_spec.extensions["properties"]["formJsonSchemaFilename"], step.form)
        task.data.update(step.form)
        task.run()
        wf.do_engine_steps()
    assert wf.is_completed(), [t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.READY)]
    assert ledger.answers == []
    return wf, ledger


def ended_at(wf):
    return [t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.COMPLETED)
            if (t.task_spec.bpmn_id or "").startswith("EndEvent_")]


def test_both_flows_have_scenarios():
    assert {s.process for s in SCENARIOS} == {"travel_request", "dealer_onboarding"}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_flow_runs_branch(parser, scenario):
    wf, _ = run(parser, scenario)
    assert ended_at(wf) == [scenario.end]


def test_every_node_and_every_flow_is_exercised(parser):
    taken = {}
    for scenario in SCENARIOS:
        wf, _ = run(parser, scenario)
        for task in wf.get_tasks(state=TaskState.COMPLETED):
            parent = task.parent.task_spec.bpmn_id if task.parent else None
            taken.setdefault(scenario.process, set()).add((parent, task.task_spec.bpmn_id))
    for diagram in (d for d in DIAGRAMS if d.process.get("id") in taken):
        pairs = taken[diagram.process.get("id")]
        for flow_id, flow in diagram.flows.items():
            assert (flow.get("sourceRef"), flow.get("targetRef")) in pairs, flow_id


def test_decision_table_output_lands_in_task_data(parser):
    gm_case = next(s for s in SCENARIOS if s.name == "dealer_gm_approves_credit")
    wf, _ = run(parser, gm_case)
    [rule_task] = [t for t in wf.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id == "BusinessRule_TermsAuthority"]
    assert rule_task.data["gm_approval_required"] is True
    wf, _ = run(parser, next(s for s in SCENARIOS if s.name == "dealer_within_director_authority"))
    assert wf.last_task.data["gm_approval_required"] is False


def test_establishing_the_dealer_gets_the_approved_terms_the_contract_and_the_corrected_name(parser):
    wf, ledger = run(parser, next(s for s in SCENARIOS if s.name == "dealer_ledger_refuses_then_retry"))
    lookup, first, second, plan = ledger.calls
    assert lookup == ("ledger.recruitment_in_force", {"region": "华东"})
    assert first == ("ledger.establish_dealer", {
        "name": "苏州恒达机电有限公司", "region": "华东", "province": "江苏", "credit_limit": 200000.0,
        "payment_days": 30, "contract_number": "HT-2025-031", "salesperson": "zhang.san", "annual_target": 5000000.0,
        "special_discount_pct": 3, "total_score": 20, "handbook_version": "2025.1", "signed_date": "2025-03-20",
        "contract_file": CONTRACT_SCAN, "terms_approved_in": ["Task_DirectorApproval", "Task_GMApproval"],
        "recheck_date": "2025-03-12", "recheck_findings": "仓库 2000 平米，车队 6 辆"})
    assert second[1]["name"] == "苏州恒达机电设备有限公司"
    assert plan == ("ledger.add_dealer_to_plan", {
        "customer": "C-HD-0042", "annual_target": 5000000.0, "signed_date": "2025-03-20", "contract_number": "HT-2025-031",
        "terms_approved_in": ["Task_DirectorApproval", "Task_GMApproval"]})
    assert wf.last_task.data["customer_result"] == CREATED  # a dict: 3.2's ServiceTask json.loads the answer


def test_revised_request_replaces_the_original(parser):
    wf, _ = run(parser, next(s for s in SCENARIOS if s.name == "rejected_revised_resubmitted_approved"))
    assert wf.last_task.data["estimated_cost"] == 1999.99
