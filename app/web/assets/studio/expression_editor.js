// The code field of a flow condition or a script task: monospace text
// checked by the server's sandbox as it is typed, the errors with their
// line and column, and the variables in play to insert at the cursor.
import { h } from "@bpmn-io/properties-panel/preact";
import { useEffect, useState } from "@bpmn-io/properties-panel/preact/hooks";
import { getBusinessObject } from "bpmn-js/lib/util/ModelUtil";
import { Findings, useCheck, Variables } from "./editor_parts";

function getText(element, kind) {
  const bo = getBusinessObject(element);
  return (kind === "script" ? bo.script : bo.conditionExpression && bo.conditionExpression.body) || "";
}

function setText(injector, element, kind, text) {
  const modeling = injector.get("modeling"), bo = getBusinessObject(element);
  if (kind === "script") {
    modeling.updateProperties(element, { script: text || undefined, scriptFormat: bo.scriptFormat || "python" });
  } else if (bo.conditionExpression) {
    modeling.updateModdleProperties(element, bo.conditionExpression, { body: text });
  } else {
    const expression = injector.get("moddle").create("bpmn:FormalExpression", { body: text });
    modeling.updateProperties(element, { conditionExpression: expression });
  }
}

export default function ExpressionEditor({ element, id, kind, injector, translate }) {
  const [text, setLocal] = useState(getText(element, kind));
  useEffect(() => setLocal(getText(element, kind)), [element]);
  const result = useCheck(injector, element, kind, text);
  const inputId = `bio-properties-panel-${id}`;
  const change = (value) => { setLocal(value); setText(injector, element, kind, value); };
  const pick = (variable) => {
    const area = document.getElementById(inputId);
    const at = area ? area.selectionStart : text.length, end = area ? area.selectionEnd : text.length;
    change(text.slice(0, at) + variable.name + text.slice(end));
  };
  return h("div", { class: "bio-properties-panel-entry lanes-editor", "data-entry-id": id }, [
    h("label", { for: inputId, class: "bio-properties-panel-label" },
      translate(kind === "script" ? "Script (Python, checked as at run time)" : "Condition (Python, checked as at run time)")),
    h("textarea", {
      id: inputId, class: "bio-properties-panel-input lanes-code", spellcheck: false, value: text,
      rows: kind === "script" ? 8 : 3, onInput: (event) => change(event.target.value),
    }),
    h(Findings, { result, translate }),
    h(Variables, { result, translate, onPick: pick }),
  ]);
}
