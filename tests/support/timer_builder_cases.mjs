// Runs the studio's timer builder logic (app/web/assets/studio/timer_expression.js)
// on the cases given as JSON on argv[2]: [{op: "read", kind, text} | {op: "write", spec}],
// printing the answers as JSON. The module has no imports, so it loads as data.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const source = readFileSync(join(root, "app/web/assets/studio/timer_expression.js"), "utf8");
const timer = await import(`data:text/javascript;base64,${Buffer.from(source).toString("base64")}`);
const cases = JSON.parse(process.argv[2]);
console.log(JSON.stringify(cases.map((c) => (c.op === "read" ? timer.readTimer(c.kind, c.text) : timer.writeTimer(c.spec)))));
