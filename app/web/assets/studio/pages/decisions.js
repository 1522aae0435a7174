// The decision-table page: dmn-js's decision table editor on the file's
// draft (or its deployed content), autosaved to the file draft with the test
// rows; after each save the deploy lint's problems and a test run.
import "../decisions.css";
import DmnModeler from "dmn-js/lib/Modeler";
import DmnViewer from "dmn-js/lib/Viewer";
import dmnTranslateModule from "../dmn_translate";
import fileApi from "../file_api";
import { fileDraft, showFileProblems } from "../file_draft";
import testTable from "../test_table";
import filePublishDialog from "../file_publish";

async function openTable(editor) {
  const view = editor.getViews().find((candidate) => candidate.type === "decisionTable");
  if (view) { await editor.open(view); }
}

async function start(root) {
  const texts = JSON.parse(document.getElementById("studio-texts").textContent);
  const editable = root.dataset.editable === "true";
  const api = fileApi(root);
  const opened = await api.load();
  const summary = document.getElementById("test-summary");
  if (opened.status !== 200) {
    summary.textContent = texts.load_failed.replace("{msg}", (opened.data && opened.data.error.message) || opened.status);
    return;
  }
  const state = { revision: opened.data.revision };
  const translated = { additionalModules: [dmnTranslateModule(root.dataset.locale)] }; // "common" would lose them
  const options = { container: "#decision-editor", decisionTable: translated, drd: translated, literalExpression: translated };
  const editor = editable ? new DmnModeler(options) : new DmnViewer(options);
  window.lanesDecisions = editor; // for the browser tests and the console
  const tests = testTable(texts, editable, () => draft && draft.changed());
  tests.setRows(opened.data.test_rows);

  async function run() {
    const { status, data } = await api.evaluate(tests.rows());
    if (status !== 200) {
      summary.textContent = texts.run_failed.replace("{msg}", (data && data.error && data.error.message) || status);
      return;
    }
    tests.setColumns({ inputs: data.inputs, outputs: data.outputs });
    tests.showResults(data.results);
    const judged = data.results.filter((result) => result.passed !== null);
    summary.textContent = texts.summary.replace("{passed}", judged.filter((result) => result.passed).length)
      .replace("{total}", judged.length);
    root.dataset.ranRevision = String(data.revision);
  }
  async function check() {
    const { status, data } = await api.check();
    if (status === 200) { showFileProblems(data.problems, texts); }
  }

  const draft = editable ? fileDraft(api, texts, state, async () => ({
    content: (await editor.saveXML({ format: true })).xml, testRows: tests.rows(),
  }), async () => { await check(); await run(); }) : null;
  if (draft) { filePublishDialog(root, state, draft); }

  try {
    await editor.importXML(opened.data.content);
    await openTable(editor);
  } catch (error) {
    summary.textContent = texts.load_failed.replace("{msg}", error.message);
    return;
  }
  if (!editable) { return; }
  editor.on("views.changed", () => {
    const viewer = editor.getActiveViewer();
    if (viewer && !viewer.lanesWatched) {
      viewer.lanesWatched = true;
      viewer.get("eventBus").on("commandStack.changed", () => draft.changed());
    }
  });
  const viewer = editor.getActiveViewer();
  viewer.lanesWatched = true;
  viewer.get("eventBus").on("commandStack.changed", () => draft.changed());
  document.getElementById("test-add").addEventListener("click", () => tests.addRow());
  document.getElementById("test-run").addEventListener("click", async () => {
    if (draft.pending()) { await draft.saveNow(); } else { await run(); }
  });
  await check();
  await run();
}

const root = document.getElementById("studio-file");
if (root && root.classList.contains("studio-decision")) { start(root); }
