// The publish button of a decision table or form page: the file's saved
// draft (saved first when an edit is pending) is published alone with a
// change note; the dialog lists each process that got a new version.
// Refusals (deploy lint problems, a newer publish of the file) are shown.
import "./publish.css";
import studioCall from "./studio_call";

function item(text, className, href) {
  const li = document.createElement("li");
  if (href) {
    const link = document.createElement("a");
    link.href = href;
    link.textContent = text;
    li.append(link);
  } else {
    li.textContent = text;
  }
  if (className) { li.className = className; }
  return li;
}

export default function filePublishDialog(root, state, draft) {
  const button = document.getElementById("studio-file-publish");
  const dialog = document.getElementById("studio-file-publish-dialog");
  if (!button || !dialog) { return; }
  const texts = JSON.parse(document.getElementById("studio-file-publish-texts").textContent);
  const note = dialog.querySelector("textarea");
  const message = document.getElementById("studio-file-publish-message");
  const list = document.getElementById("studio-file-publish-details");
  const submit = dialog.querySelector("button[type=submit]");
  const say = (text, alarm) => { message.textContent = text; message.className = alarm ? "error" : ""; };
  let done = false;

  button.hidden = false;
  button.addEventListener("click", async () => {
    if (draft.pending()) { await draft.saveNow(); }
    say(state.revision > 0 ? "" : texts.no_draft, state.revision === 0);
    list.replaceChildren();
    submit.disabled = state.revision === 0;
    dialog.showModal();
    note.focus();
  });
  dialog.querySelector("[data-close]").addEventListener("click", () => {
    dialog.close();
    if (done) { window.location.reload(); }
  });
  dialog.querySelector("form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!note.value.trim()) { say(texts.note_required, true); return; }
    submit.disabled = true;
    say(texts.publishing);
    list.replaceChildren();
    const { status, data } = await studioCall(root)("POST",
      `/files/${encodeURIComponent(root.dataset.name)}/publish`, { note: note.value });
    if (status === 200) {
      done = true;
      const created = data.versions.filter((v) => v.created);
      say(texts.published.replace("{n}", created.length));
      for (const v of created) {
        list.append(item(texts.version_of.replace("{key}", v.key).replace("{v}", v.version), "passed",
          `/studio/processes/${encodeURIComponent(v.key)}`));
      }
      return;
    }
    submit.disabled = false;
    const error = (data && data.error) || {};
    if (status === 422 && error.code === "invalid_deployment") {
      const problems = (error.details && error.details.problems) || [];
      say(texts.lint_refused.replace("{n}", problems.length), true);
      for (const problem of problems) { list.append(item(`${problem.element_id || problem.file}: ${problem.message}`, "failed")); }
    } else if (status === 409 && error.code === "stale_base") {
      say(texts.stale_base, true);
    } else {
      say(texts.failed.replace("{msg}", error.message || String(status)), true);
    }
  });
}
