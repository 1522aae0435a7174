// The timer builder of a timer event (start, intermediate, boundary): the
// kind (date, duration, cycle), then a number and a unit, a repeat count or
// a date-time; it writes the quoted ISO 8601 expression the engine reads
// (timer_expression.js) and shows the server's check of it.
import { h } from "@bpmn-io/properties-panel/preact";
import { useEffect, useState } from "@bpmn-io/properties-panel/preact/hooks";
import { getBusinessObject } from "bpmn-js/lib/util/ModelUtil";
import { Findings, say, useCheck } from "./editor_parts";
import { KIND_BY_TYPE, PROPERTY_BY_KIND, readTimer, UNITS, writeTimer } from "./timer_expression";

export function timerDefinition(element) {
  return (getBusinessObject(element).eventDefinitions || []).find((d) => d.$type === "bpmn:TimerEventDefinition");
}

function readFrom(element) {
  const timer = timerDefinition(element);
  for (const kind of Object.values(KIND_BY_TYPE)) {
    const expression = timer[PROPERTY_BY_KIND[kind]];
    if (expression) { return { written: kind, spec: readTimer(kind, expression.body) }; }
  }
  return { written: "duration", spec: readTimer("duration", "") };
}

function write(injector, element, kind, text) {
  const timer = timerDefinition(element);
  const body = injector.get("moddle").create("bpmn:FormalExpression", { body: text });
  const properties = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
  properties[PROPERTY_BY_KIND[kind]] = body;
  injector.get("modeling").updateModdleProperties(element, timer, properties);
}

function field(label, input) {
  return h("label", { class: "lanes-timer-field" }, [h("span", null, label), input]);
}

export default function TimerBuilder({ element, id, injector, translate }) {
  const [state, setState] = useState(readFrom(element));
  useEffect(() => setState(readFrom(element)), [element]);
  const { written, spec } = state;
  const text = writeTimer(spec);
  const result = useCheck(injector, element, `timer_${spec.kind === "expression" ? written : spec.kind}`, text);
  const update = (changes) => {
    const next = { ...spec, ...changes };
    const kind = next.kind === "expression" ? written : next.kind;
    setState({ written: kind, spec: next });
    write(injector, element, kind, writeTimer(next));
  };
  const choose = (kind) => update(kind === "date" ? { kind, date: "2026-12-31T17:00", offset: "+08:00" }
    : kind === "expression" ? { kind, text } : { kind, amount: spec.amount || 1, unit: spec.unit || "hours",
      repeat: spec.repeat || null, start: spec.start || null, offset: spec.offset || "+08:00" });
  const number = (name, value, min) => h("input", {
    type: "number", min, class: "bio-properties-panel-input", name: `${id}-${name}`, value: value === null ? "" : value,
    onInput: (event) => update({ [name]: event.target.value === "" ? null : Number(event.target.value) }),
  });
  const parts = [field(translate("Timer kind"), h("select", {
    class: "bio-properties-panel-input", name: `${id}-kind`, value: spec.kind,
    onChange: (event) => choose(event.target.value),
  }, ["duration", "cycle", "date", "expression"].map((k) => h("option", { value: k }, say(translate, `timer kind: ${k}`)))))];
  if (spec.kind === "duration" || spec.kind === "cycle") {
    if (spec.kind === "cycle") { parts.push(field(translate("Times (empty: for ever)"), number("repeat", spec.repeat, 1))); }
    parts.push(field(translate(spec.kind === "cycle" ? "Every" : "After"), number("amount", spec.amount, 1)));
    parts.push(field(translate("Unit"), h("select", {
      class: "bio-properties-panel-input", name: `${id}-unit`, value: spec.unit,
      onChange: (event) => update({ unit: event.target.value }),
    }, UNITS.map((u) => h("option", { value: u }, say(translate, `unit: ${u}`))))));
  }
  if (spec.kind === "date" || spec.kind === "cycle") {
    const name = spec.kind === "date" ? "date" : "start";
    parts.push(field(translate(spec.kind === "date" ? "At" : "Starting at (optional)"), h("input", {
      type: "datetime-local", class: "bio-properties-panel-input", name: `${id}-${name}`, value: spec[name] || "",
      onInput: (event) => update({ [name]: event.target.value || null }),
    })));
  }
  if (spec.kind === "expression") {
    parts.push(field(translate("Expression (Python)"), h("input", {
      type: "text", class: "bio-properties-panel-input lanes-code", name: `${id}-text`, value: spec.text,
      onInput: (event) => update({ text: event.target.value }),
    })));
  }
  return h("div", { class: "bio-properties-panel-entry lanes-editor lanes-timer", "data-entry-id": id }, [
    ...parts,
    h("p", { class: "lanes-timer-written" }, [translate("Written as"), " ", h("code", null, text)]),
    h(Findings, { result, translate }),
  ]);
}
