// Reads each BPMN file named on the command line with bpmn-moddle and the
// studio's spiffworkflow descriptor (as the studio's modeler does), writes it
// back, and prints {file: {xml, warnings}} as JSON: the round trip of a diagram
// opened in the studio and saved unchanged.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BpmnModdle } from "bpmn-moddle";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const spiffworkflow = JSON.parse(readFileSync(join(root, "app/web/assets/studio/spiffworkflow.json"), "utf-8"));
const moddle = new BpmnModdle({ spiffworkflow });
const out = {};
for (const file of process.argv.slice(2)) {
  const { rootElement, warnings } = await moddle.fromXML(readFileSync(file, "utf-8"));
  const { xml } = await moddle.toXML(rootElement, { format: true });
  out[file] = { xml, warnings: warnings.map((w) => w.message) };
}
process.stdout.write(JSON.stringify(out));
