"""What the process admins' page of one instance shows before they correct
it: its status, the steps where its tokens rest, the steps a token may be
moved to, its data fields, and its correction requests. Read-only."""
import json
from dataclasses import dataclass

from app.errors import Forbidden
from app.models import ProcessInstance, User
from app.services.commands import open_run
from app.services.corrections import approval_kinds, correction_requests
from app.services.instances import get_instance
from app.workflow.corrections import active_steps, movable_targets


@dataclass(frozen=True)
class InstanceForAdmin:
    instance: ProcessInstance
    active: list[dict]  # {task_id, element_id, name, state, manual}
    targets: list[dict]  # {element_id, name}
    fields: list[tuple[str, str]]  # (name, value as shown: text as is, anything else as JSON) of the data, sorted
    requests: list
    approval_kinds: frozenset


def ensure_operator_or_auditor(user: User) -> None:
    """Process admins work here; auditors look. Raises Forbidden."""
    if user is None or not (user.has_role("process_admin") or user.has_role("auditor")):
        raise Forbidden("Only process administrators (and auditors, reading) see this page.")


def instance_for_admin(instance_id: int, user: User) -> InstanceForAdmin:
    """The instance as a process admin corrects it. Raises Forbidden, NotFound."""
    ensure_operator_or_auditor(user)
    instance = get_instance(instance_id)
    run = open_run(instance, None)
    fields = sorted((name, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
                    for name, value in (instance.data or {}).items())
    return InstanceForAdmin(instance, active_steps(run), movable_targets(run), fields,
                            correction_requests(user, instance_id=instance.id), approval_kinds())


def value_from_text(instance: ProcessInstance, field: str, text: str):
    """A value typed into the web form, read for the field's type: text as
    is for a text field, else JSON (``1800``, ``true``, ``[1, 2]``); what
    does not read stays text, and the correction refuses it naming the value."""
    current = (instance.data or {}).get(field)
    if isinstance(current, str):  # amounts are held as text here too: the engine reads them as Decimals
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text
