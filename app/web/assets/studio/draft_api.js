// The page's calls to /api/v1/studio: the signed-in session, and the page's
// CSRF token on every write.
export default function draftApi(root) {
  const base = root.dataset.api, key = encodeURIComponent(root.dataset.key), csrf = root.dataset.csrf;
  async function call(method, path, body) {
    const response = await fetch(base + path, {
      method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    return { status: response.status, data };
  }
  return {
    choices: () => call("GET", "/choices"),
    load: () => call("GET", `/drafts/${key}`),
    save: (xml, revision) => call("PUT", `/drafts/${key}`, { xml, revision }),
    discard: () => call("DELETE", `/drafts/${key}`),
    check: () => call("POST", `/drafts/${key}/check`),
  };
}
