// Every studio page's calls to /api/v1/studio: the signed-in session, the
// page's CSRF token on every write, JSON both ways. Answers
// { status, data } (data null for 204 or a body that is not JSON).
export default function studioCall(root) {
  return async function call(method, path, body) {
    const response = await fetch(root.dataset.api + path, {
      method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf, Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    return { status: response.status, data };
  };
}
