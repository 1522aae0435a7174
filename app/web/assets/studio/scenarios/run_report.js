// A scenario run, told in the panel: passed or not, why it stopped (in the
// page's language, by the kind of stop), and the path as a list of the
// elements' names; a click on one selects it on the canvas.
function reasonText(run, texts) {
  const template = texts[`reason_${run.reason}`] || "{msg}";
  return template.replace("{el}", run.stopped_at || "").replace("{msg}", run.message);
}

export default function showRun(box, modeler, run, texts) {
  const registry = modeler.get("elementRegistry");
  box.replaceChildren();
  box.hidden = false;
  box.dataset.scenarioId = String(run.scenario_id);
  box.dataset.passed = String(run.passed);
  const verdict = document.createElement("p");
  verdict.className = `scenario-verdict ${run.passed ? "passed" : "failed"}`;
  verdict.textContent = `${run.passed ? texts.passed : texts.failed} · ${run.name}`;
  const reason = document.createElement("p");
  reason.className = "scenario-reason";
  reason.textContent = reasonText(run, texts);
  const expected = document.createElement("p");
  expected.className = "muted";
  expected.textContent = texts.expected.replace("{end}", run.expected_end === "completed" ? texts.end_completed : run.expected_end);
  const path = document.createElement("ol");
  path.className = "scenario-path";
  for (const id of run.path) {
    const element = registry.get(id);
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.elementId = id;
    button.textContent = (element && element.businessObject.name) || id;
    button.title = id;
    button.addEventListener("click", () => {
      if (!element) { return; }
      modeler.get("selection").select(element);
      modeler.get("canvas").scrollToElement(element);
    });
    item.append(button);
    path.append(item);
  }
  const stopped = run.stopped_at && registry.get(run.stopped_at);
  if (run.stopped_at) {
    const where = document.createElement("p");
    where.className = "scenario-stopped-at";
    where.textContent = texts.stopped_at.replace("{el}", (stopped && stopped.businessObject.name) || run.stopped_at);
    box.append(where);
  }
  const heading = document.createElement("h3");
  heading.textContent = texts.path_taken;
  box.prepend(verdict, reason);
  box.append(expected, heading, path);
}
