// The page's calls to /api/v1/studio: the signed-in session, and the page's
// CSRF token on every write.
import studioCall from "./studio_call";

export default function draftApi(root) {
  const key = encodeURIComponent(root.dataset.key);
  const call = studioCall(root);
  return {
    choices: () => call("GET", "/choices"),
    load: () => call("GET", `/drafts/${key}`),
    save: (xml, revision) => call("PUT", `/drafts/${key}`, { xml, revision }),
    discard: () => call("DELETE", `/drafts/${key}`),
    check: () => call("POST", `/drafts/${key}/check`),
  };
}
