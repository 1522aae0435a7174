// The problems list under the canvas, in one list: what the canvas check
// (bpmnlint, as the diagram is drawn) and the server's deploy check (on the
// saved draft) found, each row naming its source. A click selects the
// element; each is marked on canvas; the header counts the errors.
const MARKER = "lanes-problem";
const found = { deploy: [], canvas: [], revision: null, checked: false };

function render(modeler, texts) {
  const canvas = modeler.get("canvas"), registry = modeler.get("elementRegistry"), translate = modeler.get("translate");
  registry.forEach((element) => canvas.removeMarker(element, MARKER));
  const list = document.getElementById("studio-problems");
  const empty = document.getElementById("studio-problems-empty");
  const count = document.getElementById("studio-problem-count");
  const problems = [...found.canvas, ...found.deploy];
  list.replaceChildren();
  if (found.revision !== null) { list.dataset.checkedRevision = String(found.revision); }
  empty.hidden = problems.length > 0;
  if (found.checked) { empty.textContent = texts.no_problems; }
  const errors = problems.filter((p) => p.severity === "error").length;
  count.hidden = errors === 0;
  count.textContent = String(errors);
  count.title = translate("{n} errors", { n: errors });
  for (const problem of problems) {
    const element = problem.element_id && registry.get(problem.element_id);
    if (element && problem.severity === "error") { canvas.addMarker(element, MARKER); }
    const item = document.createElement("li");
    item.dataset.source = problem.source;
    item.className = `problem-${problem.severity}`;
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.elementId = problem.element_id || "";
    const source = document.createElement("span");
    source.className = "problem-source";
    source.textContent = translate(problem.source === "canvas" ? "Canvas check" : "Deploy check");
    const code = document.createElement("code");
    code.textContent = problem.element_id || problem.file;
    button.append(source, code, document.createTextNode(problem.message));
    button.addEventListener("click", () => {
      if (!element) { return; }
      modeler.get("selection").select(element);
      canvas.scrollToElement(element);
    });
    item.append(button);
    list.append(item);
  }
}

export default function showProblems(modeler, checked, texts) {
  found.deploy = checked.problems.map((p) => ({ ...p, source: "deploy", severity: "error" }));
  found.revision = checked.revision;
  found.checked = true;
  render(modeler, texts);
}

export function showCanvasIssues(modeler, issues, texts) {
  found.canvas = [];
  for (const [elementId, list] of Object.entries(issues)) {
    for (const issue of list) {
      const id = issue.actualElementId || elementId; // an issue of a child is listed under its container
      const element = modeler.get("elementRegistry").get(id);
      found.canvas.push({ source: "canvas", element_id: element ? id : null, file: issue.rule,
        severity: issue.category === "error" || issue.category === "rule-error" ? "error" : "warning",
        message: `${modeler.get("translate")(issue.message)} (${issue.rule})` });
    }
  }
  render(modeler, texts);
}
