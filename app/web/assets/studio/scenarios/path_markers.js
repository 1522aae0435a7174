// Marks a scenario run on the canvas: every element the run passed and the
// sequence flows between consecutive ones, and the element it stopped at.
export const PATH = "lanes-scenario-path";
export const STOP = "lanes-scenario-stop";

export function clearRun(modeler) {
  const canvas = modeler.get("canvas");
  modeler.get("elementRegistry").forEach((element) => {
    canvas.removeMarker(element, PATH);
    canvas.removeMarker(element, STOP);
  });
}

function flowBetween(registry, from, to) {
  const source = registry.get(from);
  return source && (source.outgoing || []).find((flow) => flow.target && flow.target.id === to);
}

export function markRun(modeler, run) {
  clearRun(modeler);
  const canvas = modeler.get("canvas"), registry = modeler.get("elementRegistry");
  run.path.forEach((id, index) => {
    const element = registry.get(id);
    if (element) { canvas.addMarker(element, PATH); }
    const flow = index > 0 && flowBetween(registry, run.path[index - 1], id);
    if (flow) { canvas.addMarker(flow, PATH); }
  });
  const stopped = run.stopped_at && registry.get(run.stopped_at);
  if (stopped) {
    const last = run.path[run.path.length - 1];
    const flow = last && last !== run.stopped_at && flowBetween(registry, last, run.stopped_at);
    if (flow) { canvas.addMarker(flow, PATH); }
    canvas.addMarker(stopped, STOP);
    canvas.scrollToElement(stopped);
  }
}
