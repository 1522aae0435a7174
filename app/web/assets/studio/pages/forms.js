// The form editor page: the form's JSON Schema as a list of fields with a
// palette of the platform's field kinds, a raw JSON tab, and a live preview
// rendered by the server with the task page's own code. Every change is
// autosaved to the file draft; the deploy lint runs after each save.
import "../forms.css";
import fileApi from "../file_api";
import { fileDraft, showFileProblems } from "../file_draft";
import fieldList from "../form_field_list";
import filePublishDialog from "../file_publish";
import { PALETTE } from "../form_palette";

const PREVIEW_DELAY_MS = 300;

function freeKey(schema, kind) {
  const taken = schema.properties || {};
  let number = Object.keys(taken).length + 1;
  while (taken[`${kind}_${number}`]) { number += 1; }
  return `${kind}_${number}`;
}

async function start(root) {
  const texts = JSON.parse(document.getElementById("studio-texts").textContent);
  const editable = root.dataset.editable === "true";
  const api = fileApi(root);
  const raw = document.getElementById("form-json"), rawError = document.getElementById("form-json-error");
  const preview = document.getElementById("form-preview"), previewProblems = document.getElementById("preview-problems");
  const opened = await api.load();
  if (opened.status !== 200) {
    document.getElementById("studio-save-state").textContent = texts.load_failed.replace("{msg}", opened.status);
    return;
  }
  const state = { revision: opened.data.revision };
  let text = opened.data.content, schema = null, previewTimer = null;
  const lookups = editable ? ((await api.lookups()).data || { lookups: [] }).lookups : [];

  async function refreshPreview() {
    const { status, data } = await api.preview(text);
    previewProblems.replaceChildren();
    if (status === 200) {
      preview.innerHTML = data.html; // the server's rendering of _form.html, escaped by its templates
      root.dataset.previewed = String(Number(root.dataset.previewed || 0) + 1);
      return;
    }
    const error = (data && data.error) || {};
    const fields = (error.details && error.details.fields) || {};
    const entries = Object.keys(fields).length ? Object.entries(fields) : [["", [error.message || String(status)]]];
    for (const [field, messages] of entries) {
      const item = document.createElement("li");
      const code = document.createElement("code");
      code.textContent = field;
      item.append(code, document.createTextNode(" " + [].concat(messages).join(" ")));
      previewProblems.append(item);
    }
  }
  function schedulePreview() {
    if (!editable) { return; }
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refreshPreview, PREVIEW_DELAY_MS);
  }

  const draft = editable ? fileDraft(api, texts, state, async () => ({ content: text }), async () => {
    const { status, data } = await api.check();
    if (status === 200) { showFileProblems(data.problems, texts); }
  }) : null;
  if (draft) { filePublishDialog(root, state, draft); }

  const list = fieldList(document.getElementById("form-fields"), texts, editable, lookups, () => {
    text = JSON.stringify(schema, null, 2) + "\n";
    raw.value = text;
    schedulePreview();
    draft.changed();
  });

  function readText() {
    try {
      const parsed = JSON.parse(text);
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) { throw new Error(texts.not_object); }
      schema = parsed;
      rawError.hidden = true;
      list.show(schema);
    } catch (error) {
      rawError.textContent = texts.bad_json.replace("{msg}", error.message);
      rawError.hidden = false;
    }
  }
  raw.value = text;
  readText();
  raw.addEventListener("input", () => { text = raw.value; readText(); schedulePreview(); draft.changed(); });

  for (const tab of root.querySelectorAll('[role="tab"]')) {
    tab.addEventListener("click", () => {
      for (const other of root.querySelectorAll('[role="tab"]')) {
        other.setAttribute("aria-selected", String(other === tab));
        document.getElementById(other.getAttribute("aria-controls")).hidden = other !== tab;
      }
    });
  }
  const palette = document.getElementById("form-palette");
  if (palette && schema) {
    for (const kind of Object.keys(PALETTE)) {
      const add = document.createElement("button");
      add.type = "button";
      add.className = "secondary";
      add.dataset.kind = kind;
      add.textContent = "+ " + (texts.kinds[kind] || kind);
      add.addEventListener("click", () => {
        if (!schema) { return; }
        const field = { title: `${texts.new_title} (${texts.kinds[kind] || kind})`, ...PALETTE[kind]() };
        if (kind === "reference" && lookups.length && !lookups.includes(field["x-ref"])) { field["x-ref"] = lookups[0]; }
        schema.properties = { ...(schema.properties || {}), [freeKey(schema, kind)]: field };
        if (!schema.type) { schema.type = "object"; }
        list.show(schema);
        text = JSON.stringify(schema, null, 2) + "\n";
        raw.value = text;
        schedulePreview();
        draft.changed();
      });
      palette.append(add);
    }
  }
  if (editable) {
    await refreshPreview();
    const { status, data } = await api.check();
    if (status === 200) { showFileProblems(data.problems, texts); }
  }
}

const root = document.getElementById("studio-file");
if (root && root.classList.contains("studio-form")) { start(root); }
