"""Call activities: what each calls must be in its own file (each file is
compiled on its own), and no process may call itself, directly or through
others — the engine would start sub-processes without end."""
from app.workflow.xml_names import NS


def _calls_by_process(root) -> dict[str, list]:
    """Process id → its call activities (those in sub-processes included)."""
    return {process.get("id"): process.xpath(".//bpmn:callActivity", namespaces=NS)
            for process in root.xpath("./bpmn:process", namespaces=NS) if process.get("id")}


def _path_back(start: str, target: str, edges: dict[str, set[str]]) -> list[str] | None:
    """A chain of calls from ``start`` to ``target``, if there is one."""
    seen, stack = set(), [(start, [start])]
    while stack:
        current, path = stack.pop()
        if current == target:
            return path
        if current in seen:
            continue
        seen.add(current)
        stack.extend((callee, path + [callee]) for callee in sorted(edges.get(current, ())))
    return None


def lint_calls(root, out) -> None:
    """Report through ``out.add`` every call activity of the file at ``root``
    that names no process of its file or leads back to its own process."""
    calls = _calls_by_process(root)
    edges = {key: {(call.get("calledElement") or "").strip() for call in activities}
             for key, activities in calls.items()}
    for caller, activities in calls.items():
        for call in activities:
            called = (call.get("calledElement") or "").strip()
            if not called:
                out.add(call, "The call activity names no process (calledElement).")
            elif called not in calls:
                out.add(call, f"The call activity calls process {called!r}, which this file does not hold: "
                              f"a call activity calls a process of its own file, so put both processes in one file.")
            else:
                chain = _path_back(called, caller, edges)
                if chain is not None:
                    loop = " → ".join([caller, *chain])
                    out.add(call, f"The call activity calls back into its own process ({loop}): the engine would "
                                  f"start sub-processes without end. Loop with a sequence flow instead.")
