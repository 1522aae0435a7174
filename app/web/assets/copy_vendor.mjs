// Copies the front-end libraries installed by `npm ci` (package-lock.json)
// into app/web/static/vendor/, which is git-ignored and served by Flask:
// no CDN, the exact files the lock file names.
import { cpSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const vendor = join(root, "app", "web", "static", "vendor");
const copies = [
  ["node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js", "bpmn-js/bpmn-navigated-viewer.production.min.js"],
  ["node_modules/bpmn-js/dist/assets", "bpmn-js/assets"],
  ["node_modules/bpmn-js/LICENSE", "bpmn-js/LICENSE"],
  // the instance page's minimap: the package's own browser build, beside the viewer
  ["node_modules/diagram-js-minimap/dist/diagram-minimap.umd.prod.js", "diagram-js-minimap/diagram-minimap.umd.prod.js"],
  ["node_modules/diagram-js-minimap/assets", "diagram-js-minimap/assets"],
  ["node_modules/diagram-js-minimap/LICENSE", "diagram-js-minimap/LICENSE"],
  // the report pages' charts (Apache ECharts, its own browser build)
  ["node_modules/echarts/dist/echarts.min.js", "echarts/echarts.min.js"],
  ["node_modules/echarts/LICENSE", "echarts/LICENSE"],
];

rmSync(vendor, { recursive: true, force: true });
for (const [from, to] of copies) {
  const source = join(root, from);
  if (!existsSync(source)) {
    console.error(`missing ${from}: run npm ci first`);
    process.exit(1);
  }
  mkdirSync(dirname(join(vendor, to)), { recursive: true });
  cpSync(source, join(vendor, to), { recursive: true });
}
console.log(`copied ${copies.length} items into ${vendor}`);
