// Publishing waits for a clean canvas: while bpmnlint in the canvas reports
// an error (a step not connected, a start event missing…), the publish
// button is disabled and the reason shown beside it, as the server refuses
// a publish on the deploy lint's errors. Warnings do not hold it back.
const ERRORS = new Set(["error", "rule-error"]);

export default function publishGate(modeler) {
  const button = document.getElementById("studio-publish");
  const reason = document.getElementById("studio-publish-blocked");
  const textsNode = document.getElementById("studio-publish-texts");
  if (!button || !reason || !textsNode) { return; }
  const texts = JSON.parse(textsNode.textContent);
  modeler.get("eventBus").on("linting.completed", ({ issues }) => {
    const errors = Object.values(issues || {}).flat().filter((issue) => ERRORS.has(issue.category)).length;
    const text = errors ? texts.canvas_blocked.replace("{n}", errors) : "";
    button.disabled = errors > 0;
    button.title = text;
    reason.textContent = text;
    reason.hidden = errors === 0;
  });
}
