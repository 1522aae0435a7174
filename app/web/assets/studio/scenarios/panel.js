// The "test scenarios" side panel of the modeler and the token simulation
// toggle. Scenarios are saved through the API (process admins) and run on
// the server in memory against the draft or the latest version; the path
// a run took is marked on the canvas. The token simulation (bpmn.io's)
// walks paths by hand; our toggle, in the page's language, switches it.
import TokenSimulationModule from "bpmn-js-token-simulation/lib/modeler";
import "bpmn-js-token-simulation/assets/css/bpmn-js-token-simulation.css";
import "./scenarios.css";
import scenarioApi from "./scenario_api";
import scenarioForm from "./scenario_form";
import showRun from "./run_report";
import { clearRun, markRun } from "./path_markers";

const SAVE_SETTLE_MS = 1600; // the autosave waits a second after the last change

function button(text, className, onClick) {
  const made = document.createElement("button");
  made.type = "button";
  made.className = className;
  made.textContent = text;
  made.addEventListener("click", onClick);
  return made;
}

function ScenarioPanel(eventBus, injector) {
  const root = document.getElementById("studio");
  const panel = document.getElementById("scenario-panel");
  if (!root || !panel) { return; }
  const modeler = { get: (name) => injector.get(name) };
  const texts = JSON.parse(document.getElementById("scenario-texts").textContent);
  const editable = root.dataset.editable === "true";
  const api = scenarioApi(root);
  const list = document.getElementById("scenario-list");
  const empty = document.getElementById("scenario-empty");
  const result = document.getElementById("scenario-result");
  const target = document.getElementById("scenario-target");
  const formElement = document.getElementById("scenario-form");
  const form = scenarioForm(formElement, texts);
  const state = { scenarios: [], editing: null, lastChange: 0, passed: {} };

  eventBus.on("commandStack.changed", () => { state.lastChange = Date.now(); });

  function hasDraft() {
    const notice = document.getElementById("studio-draft-notice");
    return notice && !notice.hidden;
  }

  function refreshTarget() {
    const draft = target.querySelector('option[value="draft"]');
    draft.disabled = !hasDraft();
    if (draft.disabled) { target.value = "latest"; } else if (state.lastChange) { target.value = "draft"; }
  }

  async function settled() {
    for (let waited = 0; waited < 10000 && Date.now() - state.lastChange < SAVE_SETTLE_MS; waited += 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function run(scenario) {
    refreshTarget();
    if (target.value === "draft") { await settled(); refreshTarget(); }
    result.hidden = false;
    result.textContent = texts.running;
    const { status, data } = await api.run(scenario.id, target.value);
    if (status !== 200) {
      result.textContent = texts.run_failed.replace("{msg}", (data && data.error && data.error.message) || String(status));
      return null;
    }
    markRun(modeler, data);
    showRun(result, modeler, data, texts);
    const row = list.querySelector(`[data-scenario-id="${scenario.id}"]`);
    state.passed[scenario.id] = data.passed;
    render();
    return data;
  }

  function idsOf(...types) {
    const found = [];
    injector.get("elementRegistry").forEach((element) => {
      if (types.includes(element.type)) { found.push(element.id); }
    });
    return found;
  }

  function showIds() {
    const fill = (field, ids) => { formElement.querySelector(`[data-ids-for="${field}"]`).textContent = ids.length ? texts.ids_here.replace("{ids}", ids.join(", ")) : ""; };
    fill("decisions", idsOf("bpmn:UserTask", "bpmn:ManualTask"));
    fill("service_results", idsOf("bpmn:ServiceTask"));
    const ends = document.getElementById("scenario-ends");
    ends.replaceChildren(...["completed", ...idsOf("bpmn:EndEvent"), ...idsOf("bpmn:UserTask", "bpmn:ManualTask")]
      .map((id) => Object.assign(document.createElement("option"), { value: id })));
  }

  function edit(scenario) {
    showIds();
    state.editing = scenario;
    form.fill(scenario || { start_data: { requester: { username: "", level: "staff" } } });
    formElement.querySelector("[data-scenario-title]").textContent = scenario ? scenario.name : texts.new_scenario;
  }

  function render() {
    list.replaceChildren();
    empty.hidden = state.scenarios.length > 0;
    for (const scenario of state.scenarios) {
      const item = document.createElement("li");
      item.dataset.scenarioId = String(scenario.id);
      const name = button(scenario.name, "scenario-name", () => edit(scenario));
      const badge = document.createElement("span");
      badge.className = "scenario-badge";
      if (scenario.id in state.passed) {
        item.dataset.passed = String(state.passed[scenario.id]);
        badge.textContent = state.passed[scenario.id] ? texts.passed : texts.failed;
      }
      item.append(name, badge, button(texts.run, "scenario-run", () => run(scenario)));
      if (editable) {
        item.append(button(texts.delete, "scenario-delete secondary", async () => {
          if (!window.confirm(texts.delete_confirm.replace("{name}", scenario.name))) { return; }
          const { status } = await api.remove(scenario.id);
          if (status === 204) { await load(); }
        }));
      }
      list.append(item);
    }
  }

  async function load() {
    const { status, data } = await api.list();
    state.scenarios = status === 200 ? data : [];
    render();
    list.dataset.loaded = "true";
  }

  formElement.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = form.values();
    if (!values || !editable) { return; }
    result.hidden = true;
    const { status, data } = state.editing ? await api.update(state.editing.id, values) : await api.create(values);
    if (status === 200 || status === 201) {
      formElement.hidden = true;
      await load();
      await run(data);
      return;
    }
    if (!form.refused(data && data.error)) {
      window.alert((data && data.error && data.error.message) || String(status));
    }
  });
  formElement.querySelector("[data-scenario-cancel]").addEventListener("click", () => { formElement.hidden = true; });
  const create = document.getElementById("scenario-new");
  if (create) { create.addEventListener("click", () => edit(null)); }
  document.getElementById("scenario-run-all").addEventListener("click", async () => {
    for (const scenario of state.scenarios) { await run(scenario); }
  });

  const bar = root.querySelector(".studio-bar");
  const toggle = button(texts.panel, "secondary scenario-toggle", async () => {
    panel.hidden = !panel.hidden;
    toggle.setAttribute("aria-pressed", String(!panel.hidden));
    root.classList.toggle("scenarios-open", !panel.hidden);
    if (!panel.hidden) { refreshTarget(); await load(); } else { clearRun(modeler); }
  });
  toggle.id = "scenario-toggle";
  toggle.setAttribute("aria-pressed", "false");
  const simulate = button(texts.simulation, "secondary simulation-toggle", () => injector.get("toggleMode").toggleMode());
  simulate.id = "simulation-toggle";
  simulate.setAttribute("aria-pressed", "false");
  eventBus.on("tokenSimulation.toggleMode", ({ active }) => {
    simulate.setAttribute("aria-pressed", String(active));
    root.classList.toggle("simulating", active);
    if (active) { clearRun(modeler); } // the simulation paints its own paths
  });
  bar.append(toggle, simulate);
}

ScenarioPanel.$inject = ["eventBus", "injector"];

export default {
  __depends__: [TokenSimulationModule],
  __init__: ["lanesScenarioPanel"],
  lanesScenarioPanel: ["type", ScenarioPanel],
};
