// The file editors' calls to /api/v1/studio/files and /forms: the signed-in
// session, and the page's CSRF token on every write.
export default function fileApi(root) {
  const base = root.dataset.api, name = encodeURIComponent(root.dataset.name), csrf = root.dataset.csrf;
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
    load: () => call("GET", `/files/${name}`),
    save: (content, revision, testRows) => call("PUT", `/files/${name}`,
      testRows === undefined ? { content, revision } : { content, revision, test_rows: testRows }),
    discard: () => call("DELETE", `/files/${name}`),
    check: () => call("POST", `/files/${name}/check`),
    evaluate: (rows) => call("POST", `/files/${name}/evaluate`, { rows }),
    preview: (schema) => call("POST", "/forms/preview", { schema }),
    lookups: () => call("GET", "/forms/lookups"),
  };
}
