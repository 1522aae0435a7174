// The problems list under the canvas: what the server's deploy lint found
// in the saved draft. A click selects the element; each is marked on canvas.
const MARKER = "lanes-problem";

export default function showProblems(modeler, checked, texts) {
  const problems = checked.problems;
  const canvas = modeler.get("canvas"), registry = modeler.get("elementRegistry");
  registry.forEach((element) => canvas.removeMarker(element, MARKER));
  const list = document.getElementById("studio-problems");
  const empty = document.getElementById("studio-problems-empty");
  const count = document.getElementById("studio-problem-count");
  list.replaceChildren();
  list.dataset.checkedRevision = String(checked.revision);
  empty.hidden = problems.length > 0;
  empty.textContent = texts.no_problems;
  count.hidden = problems.length === 0;
  count.textContent = String(problems.length);
  for (const problem of problems) {
    const element = problem.element_id && registry.get(problem.element_id);
    if (element) { canvas.addMarker(element, MARKER); }
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.elementId = problem.element_id || "";
    const code = document.createElement("code");
    code.textContent = problem.element_id || problem.file;
    button.append(code, document.createTextNode(problem.message));
    button.addEventListener("click", () => {
      if (!element) { return; }
      modeler.get("selection").select(element);
      canvas.scrollToElement(element);
    });
    item.append(button);
    list.append(item);
  }
}
