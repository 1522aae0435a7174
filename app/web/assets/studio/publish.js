// The publish button and its dialog: the saved draft is published with a
// change note. Refusals are shown in the dialog: deploy lint problems (also
// marked on the canvas), failed saved scenarios, a newer version published
// meanwhile. With approval on, the publish waits for a second admin.
import "./publish.css";
import studioCall from "./studio_call";

function call(root, path, body) {
  return studioCall(root)("POST", path, body);
}

function item(text, className) {
  const li = document.createElement("li");
  li.textContent = text;
  if (className) { li.className = className; }
  return li;
}

function showRuns(list, runs, texts) {
  for (const run of runs || []) {
    const where = run.stopped_at ? texts.stopped_at.replace("{el}", run.stopped_at) : "";
    list.append(item(`${run.passed ? "✓" : "✗"} ${run.name} ${where} ${run.message || ""}`.trim(),
      run.passed ? "passed" : "failed"));
  }
}

export default function publishDialog(root, modeler, state, showProblems) {
  const button = document.getElementById("studio-publish");
  const dialog = document.getElementById("studio-publish-dialog");
  if (!button || !dialog) { return; }
  const texts = JSON.parse(document.getElementById("studio-publish-texts").textContent);
  const form = dialog.querySelector("form");
  const note = dialog.querySelector("textarea");
  const message = document.getElementById("studio-publish-message");
  const list = document.getElementById("studio-publish-details");
  const submit = dialog.querySelector("button[type=submit]");
  let done = false;

  button.hidden = false;
  button.addEventListener("click", () => {
    message.textContent = state.revision > 0 ? "" : texts.no_draft;
    message.className = state.revision > 0 ? "" : "error";
    list.replaceChildren();
    submit.disabled = state.revision === 0;
    dialog.showModal();
    note.focus();
  });
  dialog.querySelector("[data-close]").addEventListener("click", () => {
    dialog.close();
    if (done) { window.location.reload(); }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!note.value.trim()) { message.textContent = texts.note_required; message.className = "error"; return; }
    submit.disabled = true;
    message.textContent = texts.publishing;
    message.className = "";
    list.replaceChildren();
    const key = encodeURIComponent(root.dataset.key);
    const { status, data } = await call(root, `/drafts/${key}/publish`, { note: note.value });
    const error = (data && data.error) || {};
    if (status === 200 && data.request) {
      done = true;
      message.textContent = texts.requested.replace("{id}", data.request.id);
      showRuns(list, data.runs, texts);
      return;
    }
    if (status === 200) {
      done = true;
      const version = (data.versions.find((v) => v.key === root.dataset.key) || data.versions[0]).version;
      message.textContent = texts.published.replace("{v}", version);
      showRuns(list, data.runs, texts);
      return;
    }
    submit.disabled = false;
    message.className = "error";
    if (status === 422 && error.code === "invalid_deployment") {
      const problems = error.details.problems || [];
      message.textContent = texts.lint_refused.replace("{n}", problems.length);
      for (const problem of problems) { list.append(item(`${problem.element_id || problem.file}: ${problem.message}`, "failed")); }
      showProblems(modeler, { revision: state.revision, problems }, texts);
    } else if (status === 422 && error.code === "scenario_failed") {
      message.textContent = texts.scenarios_refused;
      showRuns(list, error.details.runs, texts);
    } else if (status === 409 && error.code === "stale_base") {
      message.textContent = texts.stale_base.replace("{v}", error.details.latest_version).replace("{base}", error.details.base_version);
    } else if (status === 422) {
      message.textContent = texts.note_required;
    } else {
      message.textContent = texts.failed.replace("{msg}", error.message || String(status));
    }
  });
}
