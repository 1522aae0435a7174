// Bundles the studio (app/web/assets/studio/*.js and its CSS, with bpmn-js,
// the properties panel, the minimap and their styles from node_modules)
// into the git-ignored app/web/static/vendor/studio/. Run after copy_vendor.mjs.
import { build } from "esbuild";
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import bpmnlintConfig from "./bpmnlint_config.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
// The modeler is studio.js; every other studio page has its entry in pages/
// (bundled under its own name: pages/compare.js -> vendor/studio/compare.js).
const pages = join(root, "app/web/assets/studio/pages");
const entryPoints = { studio: join(root, "app/web/assets/studio/studio.js") };
for (const name of existsSync(pages) ? readdirSync(pages) : []) {
  if (name.endsWith(".js")) entryPoints[basename(name, ".js")] = join(pages, name);
}
await build({
  entryPoints,
  outdir: join(root, "app/web/static/vendor/studio"),
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2019",
  legalComments: "linked",
  loader: { ".svg": "dataurl", ".woff": "dataurl", ".woff2": "dataurl", ".ttf": "dataurl", ".eot": "dataurl" },
  logLevel: "warning",
  plugins: [bpmnlintConfig],
});
console.log("bundled the studio into app/web/static/vendor/studio");
