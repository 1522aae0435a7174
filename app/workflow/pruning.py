"""Keeping the engine's task tree as small as the work still open.

SpiffWorkflow keeps every task that ever ran; a reject/resubmit loop makes the
tree (and every load, step and save) grow with history. History lives in the
audit log, so after each command the finished part of the tree is cut away:
the nearest common ancestor of all unfinished tasks (and its parent, for
a stable anchor) is re-hung under the root; everything else finished goes.
Joins and boundary events only look at ancestors below that point.
"""
from SpiffWorkflow.util.task import TaskState

_DONE = TaskState.COMPLETED | TaskState.CANCELLED


def _path_to_root(task) -> list:
    path = []
    while task is not None:
        path.append(task)
        task = task.parent
    path.reverse()
    return path


def _common_ancestor(tasks):
    paths = [_path_to_root(task) for task in tasks]
    common = None
    for level in zip(*paths):
        if all(node is level[0] for node in level):
            common = level[0]
        else:
            break
    return common


def prune(workflow) -> int:
    """Drop finished tasks not needed any more; returns how many went."""
    root = workflow.task_tree
    # SpiffWorkflow 3.2 can leave predicted tasks detached from the tree (the
    # branch of a timer start event that was not taken, when both start
    # events lead into one merge gateway); they can never run: not live.
    live = [task for task in workflow.tasks.values()
            if not task.has_state(_DONE) and _path_to_root(task)[0] is root]
    if not live:
        return 0
    common = _common_ancestor(live)
    anchor = common.parent if common.parent is not None else common
    if anchor is root or anchor.parent is root:
        return 0
    keep = {root.id}
    stack = [anchor]
    while stack:
        task = stack.pop()
        keep.add(task.id)
        stack.extend(task.children)
    dropped = [task_id for task_id in workflow.tasks if task_id not in keep]
    for task_id in dropped:
        del workflow.tasks[task_id]
    _drop_orphaned_subprocesses(workflow)
    anchor._parent = root.id
    root._children = [anchor.id]
    if workflow.last_task is not None and workflow.last_task.id not in keep:
        workflow.last_task = anchor
    return len(dropped)


def _drop_orphaned_subprocesses(workflow) -> None:
    """Subprocesses hang off a task of their parent workflow; once that task
    is gone, so are they (and theirs, transitively)."""
    subprocesses = getattr(workflow, "subprocesses", {})
    while True:
        orphans = [
            task_id for task_id, sub in subprocesses.items()
            if task_id not in workflow.tasks
            and not any(task_id in other.tasks for other in subprocesses.values() if other is not sub)
        ]
        if not orphans:
            return
        for task_id in orphans:
            del subprocesses[task_id]
