// The scenario panel's calls to /api/v1/studio/processes/<key>/scenarios:
// the signed-in session, and the page's CSRF token on every write.
import studioCall from "../studio_call";

export default function scenarioApi(root) {
  const base = `/processes/${encodeURIComponent(root.dataset.key)}/scenarios`;
  const studio = studioCall(root);
  const call = (method, path, body) => studio(method, base + path, body);
  return {
    list: () => call("GET", ""),
    create: (fields) => call("POST", "", fields),
    update: (id, fields) => call("PUT", `/${id}`, fields),
    remove: (id) => call("DELETE", `/${id}`),
    run: (id, target) => call("POST", `/${id}/run${target === "draft" ? "?draft=1" : ""}`),
  };
}
