// "What the approver sees" of a user task: the variables in play as
// checkboxes, each optionally read as a ledger document of a kind; written
// as the `shows` property the deploy lint (lint_shows.py) reads:
// "order_result:sales_order,delivery_address".
import { h } from "@bpmn-io/properties-panel/preact";
import { useEffect, useState } from "@bpmn-io/properties-panel/preact/hooks";
import { Findings, say, useCheck } from "./editor_parts";
import { getSpiffProperty, setSpiffProperty } from "./spiff_properties";

export function parseShows(value) {
  return (value || "").split(",").map((s) => s.trim()).filter(Boolean).map((item) => {
    const [key, kind] = item.split(":");
    return { key, kind: kind || "" };
  });
}

export function writeShows(items) {
  return items.map((i) => (i.kind ? `${i.key}:${i.kind}` : i.key)).join(",");
}

export default function ShowsPicker({ element, id, injector, translate }) {
  const [value, setValue] = useState(getSpiffProperty(element, "shows") || "");
  useEffect(() => setValue(getSpiffProperty(element, "shows") || ""), [element]);
  const result = useCheck(injector, element, "shows", value);
  const items = parseShows(value);
  const save = (next) => {
    const text = writeShows(next);
    setValue(text);
    setSpiffProperty(injector, element, "shows", text || undefined);
  };
  const names = result ? result.variables.map((v) => v.name) : [];
  const extra = items.map((i) => i.key).filter((key) => !names.includes(key.split(".")[0]));
  const kinds = result ? result.document_kinds : [];
  const row = (name) => {
    const item = items.find((i) => i.key === name);
    return h("li", { class: "lanes-shows-item" }, [
      h("label", null, [h("input", {
        type: "checkbox", name: `${id}-${name}`, checked: !!item,
        onChange: (event) => save(event.target.checked ? [...items, { key: name, kind: "" }]
          : items.filter((i) => i.key !== name)),
      }), " ", h("code", null, name)]),
      item ? h("select", {
        class: "lanes-shows-kind", name: `${id}-${name}-kind`, value: item.kind, "aria-label": translate("Ledger document"),
        onChange: (event) => save(items.map((i) => (i.key === name ? { ...i, kind: event.target.value } : i))),
      }, [h("option", { value: "" }, translate("(the value itself)")),
        ...kinds.map((k) => h("option", { value: k }, say(translate, `document: ${k}`)))]) : null,
    ]);
  };
  return h("div", { class: "bio-properties-panel-entry lanes-editor lanes-shows", "data-entry-id": id }, [
    h("span", { class: "bio-properties-panel-label" }, translate("What the approver sees")),
    h("ul", { class: "lanes-shows-list" }, [...names, ...extra].map(row)),
    h("p", { class: "lanes-timer-written" }, [translate("Written as"), " ", h("code", null, value || "—")]),
    h(Findings, { result, translate }),
  ]);
}
