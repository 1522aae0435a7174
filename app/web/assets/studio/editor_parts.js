// Pieces the editors share: the server's findings under a field, and the
// variables in play as buttons (a click hands the name to `onPick`).
import { h } from "@bpmn-io/properties-panel/preact";
import { useEffect, useState } from "@bpmn-io/properties-panel/preact/hooks";
import checkExpression from "./editors_api";
import { english } from "./editors_zh";

// A keyed label ("unit: hours"): the page language's text for it.
export function say(translate, key) {
  const text = translate(key);
  return text === key && english[key] ? english[key] : text;
}

// Asks the server about `text` (debounced) whenever it or the element changes.
export function useCheck(injector, element, kind, text) {
  const [result, setResult] = useState(null);
  useEffect(() => {
    let live = true;
    if (document.getElementById("studio").dataset.editable !== "true") { return undefined; } // auditors: no writes, no checks
    const timer = setTimeout(async () => {
      const data = await checkExpression(injector.get("bpmnjs"), element.id, kind, text);
      if (live) { setResult(data); }
    }, 350);
    return () => { live = false; clearTimeout(timer); };
  }, [element, kind, text]);
  return result;
}

export function Findings({ result, translate }) {
  if (!result) { return null; }
  if (!result.problems.length) {
    return h("p", { class: "lanes-findings-ok" }, translate("Accepted by the run-time check"));
  }
  return h("ul", { class: "lanes-findings" }, result.problems.map((p) => h("li", { class: `lanes-finding-${p.severity}` },
    p.line ? `${translate("Line {line}, column {column}", { line: p.line, column: p.column || 1 })}: ${p.message}`
      : p.message)));
}

export function Variables({ result, translate, onPick }) {
  if (!result || !result.variables.length) { return null; }
  return h("div", { class: "lanes-variables" }, [
    h("span", { class: "lanes-variables-title" }, translate("Variables in play (click to insert)")),
    ...result.variables.map((v) => h("button", {
      type: "button", class: "lanes-variable", title: say(translate, `variable origin: ${v.origin}`) +
        (v.element_id ? ` · ${v.element_id}` : "") + (v.fields.length ? ` · ${v.fields.join(", ")}` : ""),
      onClick: () => onPick(v),
    }, v.name)),
  ]);
}
