// The file editors' calls to /api/v1/studio/files and /forms: the signed-in
// session, and the page's CSRF token on every write.
import studioCall from "./studio_call";

export default function fileApi(root) {
  const name = encodeURIComponent(root.dataset.name);
  const call = studioCall(root);
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
