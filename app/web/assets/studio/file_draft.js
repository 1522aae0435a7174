// A file editor's draft: the save state line, autosave a moment after the
// last change (naming the revision it started from; a 409 stops it and
// says who saved in between), the discard button and the problems list.
const DELAY_MS = 800;

export function fileDraft(api, texts, state, snapshot, onSaved) {
  const line = document.getElementById("studio-save-state");
  const notice = document.getElementById("studio-draft-notice");
  const discard = document.getElementById("studio-discard");
  let timer = null, saving = false, again = false, stopped = false;
  const status = (text, alarm) => { line.textContent = text; line.classList.toggle("error", !!alarm); };

  async function save() {
    if (saving) { again = true; return; }
    saving = true;
    status(texts.saving);
    const { content, testRows } = await snapshot();
    const { status: code, data } = await api.save(content, state.revision, testRows);
    saving = false;
    if (code === 200) {
      state.revision = data.revision;
      status(texts.saved);
      notice.hidden = false;
      if (discard) { discard.hidden = false; }
      document.getElementById("studio-file").dataset.revision = String(data.revision);
      onSaved(data);
      if (again) { again = false; save(); }
      return;
    }
    const error = (data && data.error) || {};
    if (code === 409) {
      stopped = true;
      status(texts.stale.replace("{who}", (error.details && error.details.updated_by) || "?"), true);
    } else {
      status(texts.save_failed.replace("{msg}", error.message || String(code)), true);
    }
  }
  if (discard) {
    discard.addEventListener("click", async () => {
      if (!window.confirm(texts.discard_confirm)) { return; }
      const { status: code } = await api.discard();
      if (code === 204 || code === 404) { window.location.reload(); }
    });
  }
  return {
    status,
    changed() {
      if (stopped) { return; }
      clearTimeout(timer);
      timer = setTimeout(() => { timer = null; save(); }, DELAY_MS);
    },
    pending: () => timer !== null || saving,
    saveNow() { clearTimeout(timer); timer = null; return stopped ? Promise.resolve() : save(); },
  };
}

export function showFileProblems(problems, texts) {
  const list = document.getElementById("studio-problems");
  const empty = document.getElementById("studio-problems-empty");
  const count = document.getElementById("studio-problem-count");
  list.replaceChildren();
  empty.hidden = problems.length > 0;
  empty.textContent = texts.no_problems;
  count.hidden = problems.length === 0;
  count.style.display = problems.length ? "" : "none"; // the site's .count would show a hidden 0
  count.textContent = String(problems.length);
  for (const problem of problems) {
    const item = document.createElement("li");
    const code = document.createElement("code");
    code.textContent = problem.element_id || (problem.line ? `${problem.file}:${problem.line}` : problem.file);
    item.append(code, document.createTextNode(" " + problem.message));
    list.append(item);
  }
}
