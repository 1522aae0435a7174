// The editors' one call: POST /api/v1/studio/check-expression with the
// diagram as the modeler holds it now (the page's session and CSRF token).
import studioCall from "./studio_call";

export default async function checkExpression(bpmnjs, elementId, kind, text) {
  const root = document.getElementById("studio");
  const { xml } = await bpmnjs.saveXML();
  const { status, data } = await studioCall(root)("POST", "/check-expression",
    { key: root.dataset.key, element_id: elementId, kind, text, xml });
  return status === 200 ? data : null;
}
