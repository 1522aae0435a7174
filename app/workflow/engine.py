"""The engine as Lanes runs it: SpiffWorkflow with a restricted script
environment, no task-depth ceiling, our clock, and service calls routed to a
handler that the current command provides."""
import json
from datetime import date, datetime
from decimal import Decimal

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions import timer as _timer_definitions

from app import clock
from app.workflow.sandbox import RestrictedEnvironment

# The task iterator stops at depth 1000 by default; a long reject/resubmit
# loop would then hide its READY task. Pruning keeps trees shallow, this is
# the backstop.
TASK_DEPTH_LIMIT = 1_000_000


class LanesWorkflow(BpmnWorkflow):
    def get_tasks_iterator(self, first_task=None, **kwargs):
        kwargs.setdefault("max_depth", TASK_DEPTH_LIMIT)
        return super().get_tasks_iterator(first_task, **kwargs)


class _ClockedDatetime(datetime):
    """SpiffWorkflow's timers ask ``datetime.now``; answer with the platform
    clock so that tests (and replay) control time."""

    @classmethod
    def now(cls, tz=None):
        current = clock.now()
        return current.astimezone(tz) if tz is not None else current.replace(tzinfo=None)

    # The inherited ones would read the system clock.
    @classmethod
    def today(cls):
        return cls.now()

    @classmethod
    def utcnow(cls):
        return cls.now()


class _ClockedDate(date):
    """A diagram's ``date`` gives the business date as today (in
    ``BUSINESS_TIMEZONE``), the same day the ledger dates documents by."""

    @classmethod
    def today(cls):
        return clock.today()


_timer_definitions.datetime = _ClockedDatetime
# Diagrams that ask for "now" get the platform clock too, so a replay that
# feeds the recorded times sees the same values.
_CLOCKED_GLOBALS = {"datetime": _ClockedDatetime, "date": _ClockedDate}


class _JsonValues(json.JSONEncoder):
    def default(self, value):
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        return super().default(value)


def to_json(value) -> str:
    return json.dumps(value, cls=_JsonValues, ensure_ascii=False)


class LanesScriptEngine(PythonScriptEngine):
    """Every expression runs in the restricted environment; service tasks go
    to ``service_handler(task, operation, params) -> dict``."""

    def __init__(self, service_handler=None):
        super().__init__(environment=RestrictedEnvironment(dict(_CLOCKED_GLOBALS)))
        self.service_handler = service_handler

    def call_service(self, task, operation_name=None, operation_params=None, **_kwargs):
        # The stock implementation's error path is broken (NameError) and
        # hides the real error; this one keeps it.
        params = {name: spec["value"] for name, spec in (operation_params or {}).items()}
        if self.service_handler is None:
            raise WorkflowTaskException(f"No service handler for {operation_name}", task=task)
        try:
            result = self.service_handler(task, operation_name, params)
        except Exception as exc:  # the action's own error, kept for the user
            raise WorkflowTaskException(f"{operation_name}: {exc}", task=task, exception=exc) from exc
        return to_json(result)
