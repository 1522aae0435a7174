"""Who may start a process, as its diagram declares it, and the deploy-time
checks of that declaration.

The convention: the none start event (the one people start by hand) carries
``<spiffworkflow:property name="startRoles" value="finance,sales_admin" />``,
comma-separated role codes. A timer start event is started by the worker
alone and declares nothing. Nobody is implied: a process administrator starts
only what names ``process_admin``, an integration account only what names
``integration``, and an auditor nothing at all."""
from app.workflow.xml_names import NS, spiff_properties, tag

START_ROLES = "startRoles"
NEVER_STARTS = frozenset({"auditor"})  # reads everything, changes nothing


def start_kind(start_event) -> str:
    """``none``, ``timer``, or the local name of its other event definition."""
    definitions = [tag(child) for child in start_event if tag(child).endswith("EventDefinition")]
    if not definitions:
        return "none"
    return "timer" if definitions == ["timerEventDefinition"] else definitions[0]


def declared_start_roles(start_event) -> list[str]:
    """The role codes of a start event's ``startRoles``, in order, without repeats."""
    value = spiff_properties(start_event).get(START_ROLES) or ""
    codes = [code.strip() for code in value.split(",")]
    return list(dict.fromkeys(code for code in codes if code))


def process_start_roles(process) -> list[str]:
    """Who may start ``process`` by hand: the roles of its none start event."""
    for start in process.xpath("./bpmn:startEvent", namespaces=NS):
        if start_kind(start) == "none":
            return declared_start_roles(start)
    return []


def lint_start_events(process, out, lane_names) -> None:
    """Report through ``out.add(element, message)`` every start event that
    does not say plainly who starts it. ``lane_names`` holds the role codes
    and the ``@resolver`` names; only role codes may start."""
    role_codes = {name for name in lane_names if not name.startswith("@")}
    starts = process.xpath("./bpmn:startEvent", namespaces=NS)
    none_starts = [start for start in starts if start_kind(start) == "none"]
    if len(none_starts) > 1:
        for start in none_starts:
            out.add(start, f"The process has {len(none_starts)} start events that people start by hand; keep one "
                           f"(it carries the start form and startRoles).")
    for start in starts:
        kind = start_kind(start)
        declared = START_ROLES in spiff_properties(start)
        if kind == "timer":
            if declared:
                out.add(start, "A timer start event is started by the system; put startRoles on the start event "
                               "people start by hand.")
        elif kind != "none":
            out.add(start, f"Nothing here starts a process by a {kind} start event; use a none start event "
                           f"with startRoles, or a timer start event.")
        else:
            _lint_roles(start, declared_start_roles(start), declared, role_codes, out)


def _lint_roles(start, roles, declared, role_codes, out) -> None:
    if not roles:
        what = "names no role" if declared else "does not say who may start it"
        out.add(start, f"The start event {what}: add the spiffworkflow property startRoles with the role codes "
                       f"that may start the process (e.g. finance,sales_admin).")
        return
    for code in roles:
        if code in NEVER_STARTS:
            out.add(start, f"startRoles names {code!r}: auditors read everything and start nothing.")
        elif code not in role_codes:
            hint = " (a resolver finds a performer, it cannot start)" if code.startswith("@") else ""
            out.add(start, f"startRoles names {code!r}, which is not a role code{hint}.")
