"""Constructs the engine would parse but Lanes does not drive, refused at
deploy with the reason: a diagram that deploys must be able to run.

Refused: plain tasks (nobody does them, nothing runs), event-based gateways,
events with several triggers (multiple events), signals, ids the engine
gives its own tasks, and timers written as bare ISO 8601 (``PT5M`` is a
Python name, ``R3/PT15S`` a division). Message start events are refused by
``lint_start``; call activities by ``lint_calls``."""
import re

from app.workflow.xml_names import NS, tag

# SpiffWorkflow names the tasks it adds to every process "Start", "End",
# "Root" and "<process id>.EndJoin"; an element with such an id is mistaken
# for them and every start fails.
ENGINE_IDS = frozenset({"Start", "End", "Root"})
_BARE_ISO_TIMER = re.compile(r"^(R\d*/)?(P[0-9YMWDTHS.,]+|\d{4}-\d{2}-\d{2}\S*)(/\S+)?$")
_EVENT_TAGS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}


def lint_constructs(process, out) -> None:
    """Report through ``out.add`` (and ``out.expression``) every construct of
    ``process`` that would deploy but could not run as drawn."""
    process_id = process.get("id")
    for element in process.iter():
        kind = tag(element)
        element_id = element.get("id")
        if element_id in ENGINE_IDS or element_id == f"{process_id}.EndJoin":
            out.add(element, f"The id {element_id!r} is a name the engine gives its own tasks; rename the element "
                             f"(e.g. {kind[:1].upper()}{kind[1:]}_{element_id}).")
        if kind == "task":
            out.add(element, "A plain bpmn:task has nobody to do it and nothing to run: make it a userTask (with a "
                             "lane and a form), a serviceTask or a scriptTask.")
        elif kind == "eventBasedGateway":
            out.add(element, "Event-based gateways are not supported here: nothing would wait for its events and "
                             "the instance would wait forever. Use a receive task with a boundary timer.")
        elif kind == "signalEventDefinition":
            out.add(element.getparent(), "Signals are not supported here: nothing sends or receives them. "
                                         "Use a message.")
        elif kind in _EVENT_TAGS:
            _lint_event(element, out)
        elif kind in ("timeDuration", "timeDate", "timeCycle"):
            _lint_timer(element, kind, out)
        elif kind == "multiInstanceLoopCharacteristics":
            activity = element.getparent()
            for part in ("loopCardinality", "completionCondition"):
                out.expression(activity, element.findtext(f"bpmn:{part}", namespaces=NS), f"Multi-instance {part}")
        elif kind == "conditionalEventDefinition":
            out.expression(element.getparent(), element.findtext("bpmn:condition", namespaces=NS),
                           "Conditional event condition")


def _lint_event(event, out) -> None:
    triggers = [tag(child) for child in event if tag(child).endswith("EventDefinition")]
    if len(triggers) > 1:
        out.add(event, f"An event with several triggers ({', '.join(triggers)}) is not supported here; "
                       f"draw one event per trigger.")


def bare_iso_timer_problem(kind: str, text: str) -> str | None:
    """The problem of a timer ``kind`` (timeDate, timeDuration, timeCycle)
    written as bare ISO 8601, or None when it is not."""
    text = text.strip()
    if _BARE_ISO_TIMER.match(text):
        return f"Timer {kind} {text} is read as a Python expression, not as a date or duration: quote it, \"{text}\"."
    return None


def _lint_timer(expression, kind, out) -> None:
    if problem := bare_iso_timer_problem(kind, expression.text or ""):
        out.add(expression.getparent().getparent(), problem)
