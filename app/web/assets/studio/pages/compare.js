// The compare page: the two versions in bpmn-js viewers side by side, their
// scroll and zoom kept together, coloured by bpmn-js-differ.
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";
import "../compare.css";
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import { diff } from "bpmn-js-differ";
import spiffworkflow from "../spiffworkflow.json";
import { colour, differences } from "../compare_colours";

function linkViews(viewers) {
  let syncing = false;
  viewers.forEach((viewer, index) => {
    viewer.on("canvas.viewbox.changed", ({ viewbox }) => {
      if (syncing) { return; }
      syncing = true;
      const other = viewers[1 - index].get("canvas");
      other.viewbox({ x: viewbox.x, y: viewbox.y, width: viewbox.width, height: viewbox.height });
      syncing = false;
    });
  });
}

async function start() {
  const data = JSON.parse(document.getElementById("compare-data").textContent);
  const viewers = ["a", "b"].map((side) => new NavigatedViewer({
    container: `#compare-canvas-${side}`, moddleExtensions: { spiffworkflow },
  }));
  try {
    await viewers[0].importXML(data.xml.a);
    await viewers[1].importXML(data.xml.b);
  } catch (error) {
    document.getElementById("compare").insertAdjacentHTML("beforebegin", '<p class="error" id="compare-error"></p>');
    document.getElementById("compare-error").textContent = data.texts.load_failed.replace("{msg}", error.message);
    return;
  }
  const found = differences(diff(viewers[0].getDefinitions(), viewers[1].getDefinitions()), data);
  colour(viewers[0], "a", found, data.waiting.a, data.texts);
  colour(viewers[1], "b", found, data.waiting.b, data.texts);
  viewers[0].get("canvas").zoom("fit-viewport");
  linkViews(viewers);
  viewers[1].get("canvas").viewbox(viewers[0].get("canvas").viewbox());
  window.lanesCompare = { viewers, found }; // for the browser tests and the console
  document.getElementById("compare").dataset.ready = "true";
  document.querySelectorAll("tr[data-element-id]").forEach((row) => row.addEventListener("click", () => {
    viewers.forEach((viewer) => {
      const element = viewer.get("elementRegistry").get(row.dataset.elementId);
      if (element) { viewer.get("canvas").scrollToElement(element); }
    });
  }));
}

start();
