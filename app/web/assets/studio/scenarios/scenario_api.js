// The scenario panel's calls to /api/v1/studio/processes/<key>/scenarios:
// the signed-in session, and the page's CSRF token on every write.
export default function scenarioApi(root) {
  const base = `${root.dataset.api}/processes/${encodeURIComponent(root.dataset.key)}/scenarios`;
  async function call(method, path, body) {
    const response = await fetch(base + path, {
      method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf, Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    return { status: response.status, data };
  }
  return {
    list: () => call("GET", ""),
    create: (fields) => call("POST", "", fields),
    update: (id, fields) => call("PUT", `/${id}`, fields),
    remove: (id) => call("DELETE", `/${id}`),
    run: (id, target) => call("POST", `/${id}/run${target === "draft" ? "?draft=1" : ""}`),
  };
}
