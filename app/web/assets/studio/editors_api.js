// The editors' one call: POST /api/v1/studio/check-expression with the
// diagram as the modeler holds it now (the page's session and CSRF token).
export default async function checkExpression(bpmnjs, elementId, kind, text) {
  const root = document.getElementById("studio");
  const { xml } = await bpmnjs.saveXML();
  const response = await fetch(`${root.dataset.api}/check-expression`, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf, Accept: "application/json" },
    body: JSON.stringify({ key: root.dataset.key, element_id: elementId, kind, text, xml }),
  });
  const data = await response.json().catch(() => null);
  return response.status === 200 ? data : null;
}
