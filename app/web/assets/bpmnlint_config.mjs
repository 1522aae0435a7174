// An esbuild plugin: `import config from "lanes-bpmnlint-config"` gives the
// canvas linter its rules, compiled at build time by bpmnlint's own
// compile-config from app/web/assets/studio/bpmnlintrc.json (bpmnlint's
// recommended rules, minus two that clash with the platform, said there and
// in the studio notes). The rules come from node_modules, so the bundle
// follows the lock file; nothing is generated into the source tree.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const require = createRequire(join(root, "package.json"));

export default {
  name: "lanes-bpmnlint-config",
  setup(build) {
    build.onResolve({ filter: /^lanes-bpmnlint-config$/ }, () => ({ path: "bpmnlintrc", namespace: "lanes-bpmnlint" }));
    build.onLoad({ filter: /.*/, namespace: "lanes-bpmnlint" }, async () => {
      const compileConfig = require("bpmnlint/lib/support/compile-config");
      const config = JSON.parse(readFileSync(join(root, "app/web/assets/studio/bpmnlintrc.json"), "utf8"));
      return { contents: await compileConfig(config), loader: "js", resolveDir: root };
    });
  },
};
