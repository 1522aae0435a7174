"""The registry of named actions that service tasks call.

A diagram's service task names an operation (``ledger.create_customer``);
the code that runs it registers itself beside its own definition::

    @action("ledger.create_customer")
    def create_customer(call: ActionCall, *, name: str, region: str) -> dict:
        ...
        return {"customer_code": code}

Actions work through ``db.session`` and only flush: the engine's command
commits. They return JSON-serialisable dicts; the engine adds ``"ok": True``.
A broken business rule raises ``BusinessRuleViolation``; the engine turns it
into ``{"ok": False, "error": {"code", "message"}}`` so the diagram can route
the case to a person; whatever the action wrote before it raised is rolled
back either way. Any other exception puts the instance in error.

It sits below the engine and the ledger alike and imports neither: the
registry holds what the modules imported so far registered, and the app
factory imports the ledger, so every door finds its actions.
"""
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Callable


def _nobody_approved(_steps: Sequence[str]) -> int | None:
    return None


@dataclass(frozen=True)
class ActionCall:
    """Who and what asked for an action. ``idempotency_key`` is stable for
    (instance, task, operation): an action that posts stores it, so a retried
    or replayed step never posts twice. ``approver_of_record(steps)`` is the
    id of the user who last approved one of ``steps`` (element ids) of the
    instance, as its caller's task records tell (never a form's word); a
    call from outside a flow has no approvals."""

    instance_id: int
    task_id: str
    element_id: str
    operation: str
    actor_id: int | None
    approver_of_record: Callable[[Sequence[str]], int | None] = _nobody_approved

    @property
    def idempotency_key(self) -> str:
        return f"{self.instance_id}:{self.task_id}:{self.operation}"


# ``field`` of a rule about the input as a whole (a change that changes
# nothing); the API's error body names it so, as marshmallow does
WHOLE_INPUT = "_schema"


class BusinessRuleViolation(Exception):
    """A rule of the business was broken (over credit, no price, ...).

    ``field`` names the input the rule is about, as the action's parameter
    (which is also the ledger API's request field: ``amount``, ``date``,
    ``valid_from``, ``customer``...), ``WHOLE_INPUT`` for the input as a
    whole; None for a rule about the state of the books (already reversed,
    over credit), whatever was typed."""

    def __init__(self, code: str, message: str, details: dict | None = None, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}
        self.field = field

    def as_result(self) -> dict:
        """What the diagram sees: ``{"ok": False, "error": {...}}``."""
        return {"ok": False, "error": {"code": self.code, "message": self.message, **self.details}}


class UnknownAction(LookupError):
    pass


_REGISTRY: dict[str, Callable[..., dict]] = {}


def action(name: str):
    """Register the decorated function as the action ``name``."""

    def register(func: Callable[..., dict]) -> Callable[..., dict]:
        if name in _REGISTRY and _REGISTRY[name] is not func:
            raise ValueError(f"action {name!r} is registered twice")
        _REGISTRY[name] = func
        return func

    return register


def registered_actions() -> frozenset[str]:
    """The names registered so far: those of every module imported."""
    return frozenset(_REGISTRY)


def run_action(call: ActionCall, params: dict[str, Any]) -> dict:
    """Run the action for ``call.operation``: its result with ``"ok": True``.
    Raises UnknownAction, BusinessRuleViolation (the caller turns it into a
    result once the action's partial work is rolled back), or whatever the
    action raises."""
    func = _REGISTRY.get(call.operation)
    if func is None:
        raise UnknownAction(f"No action is registered as {call.operation!r}.")
    return {"ok": True, **(func(call, **params) or {})}



_PARAMETER_TYPES = {"str": "str", "int": "int", "float": "float", "Decimal": "float", "bool": "bool",
                    "list": "list", "dict": "dict"}


def action_parameters() -> dict[str, list[dict]]:
    """Each registered operation's keyword parameters, in order: name, the
    type a diagram writes for it (``str`` when the annotation says nothing
    simpler) and whether it must be given (it has no default)."""
    import inspect

    described = {}
    for name, func in sorted(_REGISTRY.items()):
        params = []
        for param in list(inspect.signature(func).parameters.values())[1:]:
            if param.kind not in (param.KEYWORD_ONLY, param.POSITIONAL_OR_KEYWORD):
                continue
            annotation = param.annotation if isinstance(param.annotation, str) else getattr(param.annotation, "__name__", "")
            kind = _PARAMETER_TYPES.get(annotation.split("[")[0].split("|")[0].strip(), "str")
            params.append({"name": param.name, "type": kind, "required": param.default is param.empty})
        described[name] = params
    return described
