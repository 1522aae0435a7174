// The entries of the platform's group in the properties panel: pickers fed
// by the server's choices (GET /api/v1/studio/choices), never free text,
// except the expressions handed to an operation's parameters.
import { CheckboxEntry, SelectEntry, TextFieldEntry } from "@bpmn-io/properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";
import {
  getOperator, getSpiffProperty, operatorParameters, setOperation, setParameter, setResultVariable, setSpiffProperty,
} from "./spiff_properties";

// Working time until a task is due (the `due` property: ISO 8601 durations
// counted in working hours and days by the platform's calendar).
const DUE_CHOICES = ["PT4H", "PT8H", "PT24H", "PT48H", "P1D", "P2D", "P3D", "P5D", "P10D"];

function options(values, current, translate) {
  const list = [{ value: "", label: translate("(none)") }, ...values];
  if (current && !values.some((o) => o.value === current)) {
    list.push({ value: current, label: translate("{value} (not known here)", { value: current }) });
  }
  return list;
}

// Entries name the library's components themselves, their props beside
// them (the panel spreads an entry into its component's props): a component
// made anew on each render would be remounted, losing typing not yet saved.
function select(ctx, element, id, label, getValue, setValue, values) {
  return {
    id, element, component: SelectEntry, isEdited: () => !!getValue(), label: ctx.translate(label),
    getValue: () => getValue() || "", setValue, getOptions: () => options(values, getValue(), ctx.translate),
  };
}

function dueLabel(code, translate) {
  const match = /^P(?:(\d+)D)?(?:T(\d+)H)?$/.exec(code);
  if (!match) { return code; }
  return match[1] ? translate("{n} working days", { n: match[1] }) : translate("{n} working hours", { n: match[2] });
}

export function laneEntries(ctx, element) {
  const bo = getBusinessObject(element);
  const values = ctx.choices.lanes.map((l) => ({ value: l.value, label: `${l.label} (${l.value})` }));
  return [select(ctx, element, "lanes-lane-role", "Who works in this lane", () => bo.name,
    (value) => ctx.injector.get("modeling").updateProperties(element, { name: value || undefined }), values)];
}

function formEntry(ctx, element) {
  const forms = ctx.choices.forms.map((f) => ({ value: f, label: f }));
  return select(ctx, element, "lanes-form", "Form", () => getSpiffProperty(element, "formJsonSchemaFilename"),
    (value) => setSpiffProperty(ctx.injector, element, "formJsonSchemaFilename", value), forms);
}

export function userTaskEntries(ctx, element) {
  const stages = ctx.choices.approval_stages.map((s) => ({ value: s, label: s }));
  const dues = DUE_CHOICES.map((d) => ({ value: d, label: dueLabel(d, ctx.translate) }));
  return [
    formEntry(ctx, element),
    {
      id: "lanes-approval", element, component: CheckboxEntry,
      isEdited: () => getSpiffProperty(element, "approval") === "true",
      label: ctx.translate("Approval step (approve or reject)"),
      getValue: () => getSpiffProperty(element, "approval") === "true",
      setValue: (on) => setSpiffProperty(ctx.injector, element, "approval", on ? "true" : undefined),
    },
    select(ctx, element, "lanes-approval-stage", "Approval stage", () => getSpiffProperty(element, "approvalStage"),
      (value) => setSpiffProperty(ctx.injector, element, "approvalStage", value), stages),
    select(ctx, element, "lanes-due", "Due within", () => getSpiffProperty(element, "due"),
      (value) => setSpiffProperty(ctx.injector, element, "due", value), dues),
  ];
}

function startRoles(element) {
  return (getSpiffProperty(element, "startRoles") || "").split(",").map((s) => s.trim()).filter(Boolean);
}

export function startEventEntries(ctx, element) {
  const entries = [formEntry(ctx, element)];
  for (const role of ctx.choices.start_roles) {
    const id = `lanes-start-${role.value}`;
    entries.push({
      id, element, component: CheckboxEntry, isEdited: () => startRoles(element).includes(role.value),
      label: ctx.translate("May start: {role}", { role: role.label }),
      getValue: () => startRoles(element).includes(role.value),
      setValue: (on) => {
        const now = startRoles(element).filter((code) => code !== role.value);
        if (on) { now.push(role.value); }
        setSpiffProperty(ctx.injector, element, "startRoles", now.join(","));
      },
    });
  }
  return entries;
}

export function serviceTaskEntries(ctx, element) {
  const known = ctx.choices.operations;
  const operations = Object.keys(known).map((name) => ({ value: name, label: name }));
  const operator = getOperator(element);
  const debounce = ctx.injector.get("debounceInput");
  const entries = [
    select(ctx, element, "lanes-operation", "Operation", () => operator && operator.id,
      (value) => setOperation(ctx.injector, element, value, known), operations),
    {
      id: "lanes-result", element, component: TextFieldEntry, debounce,
      isEdited: () => !!(getOperator(element) || {}).resultVariable, label: ctx.translate("Result variable"),
      getValue: () => (getOperator(element) || {}).resultVariable || "",
      setValue: (value) => setResultVariable(ctx.injector, element, value),
    },
  ];
  const params = (operator && known[operator.id]) || [];
  for (const param of params) {
    const id = `lanes-param-${param.name}`;
    const current = () => (operatorParameters(getOperator(element)).find((p) => p.id === param.name) || {}).value || "";
    entries.push({
      id, element, component: TextFieldEntry, debounce, isEdited: () => !!current(), getValue: current,
      label: ctx.translate(param.required ? "{name} (required, {type})" : "{name} ({type})", param),
      description: ctx.translate("A Python expression over the process data"),
      setValue: (value) => setParameter(ctx.injector, element, param, value),
    });
  }
  return entries;
}

// The English name people reading English see (the nameEn property); the
// element's name stays its Chinese name. A participant's is its process's too.
export function englishNameEntry(ctx, element) {
  const bo = getBusinessObject(element);
  const process = is(element, "bpmn:Participant") ? bo.processRef : null;
  return {
    id: "lanes-name-en", element, component: TextFieldEntry, debounce: ctx.injector.get("debounceInput"),
    isEdited: () => !!getSpiffProperty(element, "nameEn"), label: ctx.translate("English name"),
    description: ctx.translate("Shown to people who read English; the name stays the Chinese one"),
    getValue: () => getSpiffProperty(element, "nameEn") || "",
    setValue: (value) => {
      const english = (value || "").trim() || undefined;
      setSpiffProperty(ctx.injector, element, "nameEn", english);
      if (process) { setSpiffProperty(ctx.injector, element, "nameEn", english, process); }
    },
  };
}
