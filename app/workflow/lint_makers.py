"""Maker and checker: the ``makers`` property of an approval user task.

An analyst names, on the approval task, the tasks that made the document it
checks (comma-separated element ids of the same process)::

    <spiffworkflow:property name="makers" value="Task_MakeOrder,Task_ResolveOrderProblem" />

Whoever performed one of them (or acted for, or passed it on by delegation)
may not approve the document (``app/services/segregation.py``).

Lint: every named id is a user task of the same process, not the task itself,
and only an approval task (``approval`` true) declares makers."""
from app.workflow.xml_names import HUMAN_TASK_TAGS, is_true, spiff_properties, tag

MAKERS = "makers"


def task_makers(task) -> list[str]:
    """The element ids a user task's ``makers`` property names, in order."""
    value = spiff_properties(task).get(MAKERS) or ""
    return [item.strip() for item in value.split(",") if item.strip()]


def lint_makers(process, out) -> None:
    """Report (``out.add``) every ``makers`` property that names no user task
    of ``process``, names its own task, or sits on a task that approves
    nothing."""
    human_tasks = {element.get("id") for element in process.iter() if tag(element) in HUMAN_TASK_TAGS}
    for task in process.iter():
        if tag(task) not in HUMAN_TASK_TAGS:
            continue
        makers = task_makers(task)
        if not makers:
            continue
        if not is_true(spiff_properties(task).get("approval")):
            out.add(task, "Only an approval task names makers (the tasks whose document it checks).")
        for maker in makers:
            if maker == task.get("id"):
                out.add(task, f"Maker {maker!r} is the approval task itself.")
            elif maker not in human_tasks:
                out.add(task, f"Maker {maker!r} is not a user task of this process.")
