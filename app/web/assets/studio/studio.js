// The studio page: the bpmn-js Modeler with the core properties panel, our
// platform provider, the minimap and the Chinese/English texts; the diagram
// opens from the draft when there is one, else from the latest version.
import "./studio.css";
import Modeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import minimapModule from "diagram-js-minimap";
import spiffworkflow from "./spiffworkflow.json";
import LanesPropertiesProvider from "./lanes_provider";
import translateModule from "./translate";
import draftApi from "./draft_api";
import autosave from "./autosave";
import showProblems from "./problems";
import publishDialog from "./publish";
import publishGate from "./publish_gate";
import sharedEditing from "./shared_editing";
import { canvasLintModule, lintingOptions, listenToCanvasLint } from "./canvas_lint";
import { editorsModule } from "./editors_provider";
import installShortcutsHelp from "./shortcuts_help";
import scenarioPanel from "./scenarios/panel";

async function start(root) {
  const texts = JSON.parse(document.getElementById("studio-texts").textContent);
  const api = draftApi(root);
  const editable = root.dataset.editable === "true";
  const state = { revision: Number(root.dataset.draftRevision) };
  const statusLine = document.getElementById("studio-save-state");
  const notice = document.getElementById("studio-draft-notice");
  const discard = document.getElementById("studio-discard");
  const ui = { texts, status: (text, alarm) => { statusLine.textContent = text; statusLine.classList.toggle("error", !!alarm); } };

  const choices = await api.choices();
  const modeler = new Modeler({
    container: "#studio-canvas",
    keyboard: { bind: true },
    linting: lintingOptions,
    propertiesPanel: { parent: "#studio-panel" },
    moddleExtensions: { spiffworkflow },
    additionalModules: [
      BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, minimapModule, canvasLintModule, editorsModule,
      translateModule(root.dataset.locale), scenarioPanel,
      { __init__: ["lanesPropertiesProvider"], lanesPropertiesProvider: ["type", LanesPropertiesProvider],
        lanesChoices: ["value", choices.data] },
    ],
  });
  window.lanesStudio = modeler; // for the browser tests and the console
  listenToCanvasLint(modeler, texts);
  publishGate(modeler);
  installShortcutsHelp(modeler);

  async function check() {
    const { status, data } = await api.check();
    if (status === 200) { showProblems(modeler, data, texts); }
  }

  let xml;
  if (state.revision > 0) {
    xml = (await api.load()).data.xml;
  } else {
    xml = await (await fetch(root.dataset.diagramUrl, { credentials: "same-origin" })).text();
  }
  try {
    await modeler.importXML(xml);
  } catch (error) {
    ui.status(texts.load_failed.replace("{msg}", error.message), true);
    return;
  }
  modeler.get("canvas").zoom("fit-viewport");
  modeler.get("minimap").open();
  const shared = sharedEditing(root, modeler, api, state, ui, editable);
  if (!editable) { return; }
  if (state.revision > 0) { check(); }
  ui.saved = (draft) => {
    ui.status(texts.saved);
    notice.textContent = texts.draft_of.replace("{v}", draft.base_version);
    notice.hidden = false;
    discard.hidden = false;
    check();
  };
  shared.autosaving(autosave(modeler, api, state, ui));
  publishDialog(root, modeler, state, showProblems);
  discard.addEventListener("click", async () => {
    if (!window.confirm(texts.discard_confirm)) { return; }
    const { status } = await api.discard();
    if (status === 204 || status === 404) { window.location.reload(); }
  });
}

const root = document.getElementById("studio");
if (root) { start(root); }
