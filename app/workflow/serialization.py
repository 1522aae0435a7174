"""Workflow state to JSON and back, without the spec: a deployed version's
spec is serialised once and cached here, parsed, per definition."""
import json
from collections import OrderedDict
from datetime import date
from decimal import Decimal
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from app.workflow.engine import LanesWorkflow


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Leaves the spec out of the state; takes it from the caller on load."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _build_registry():
    config = dict(SPIFF_CONFIG)
    config.pop(BpmnWorkflow, None)
    config[LanesWorkflow] = _SpeclessWorkflowConverter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
    registry.register(date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"]))
    return registry


_serializer = BpmnWorkflowSerializer(_build_registry())


def dump_spec(spec, subprocess_specs: dict) -> str:
    registry = _serializer.registry
    return json.dumps({
        "spec": registry.convert(spec),
        "subprocess_specs": {name: registry.convert(sub) for name, sub in subprocess_specs.items()},
    })


_SPEC_CACHE: "OrderedDict[str, tuple]" = OrderedDict()
_SPEC_CACHE_SIZE = 128


def load_spec(cache_key: str, spec_json):
    """``(spec, subprocess_specs)`` for a deployed version, parsed once.
    ``spec_json`` may be a callable, called only when the cache misses."""
    cached = _SPEC_CACHE.get(cache_key)
    if cached is not None:
        _SPEC_CACHE.move_to_end(cache_key)
        return cached
    raw = json.loads(spec_json() if callable(spec_json) else spec_json)
    registry = _serializer.registry
    loaded = (
        registry.restore(raw["spec"]),
        {name: registry.restore(sub) for name, sub in raw["subprocess_specs"].items()},
    )
    _SPEC_CACHE[cache_key] = loaded
    while len(_SPEC_CACHE) > _SPEC_CACHE_SIZE:
        _SPEC_CACHE.popitem(last=False)
    return loaded


def dump_state(workflow) -> str:
    return _serializer.serialize_json(workflow)


def load_state(state_json: str, spec, subprocess_specs):
    dct = json.loads(state_json)
    _serializer.migrate(dct)
    return _serializer.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
