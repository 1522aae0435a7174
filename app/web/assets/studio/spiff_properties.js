// Reading and writing the platform's extension elements on a BPMN element,
// exactly as the deployed diagrams write them:
//   <spiffworkflow:properties><spiffworkflow:property name=".." value=".."/>
//   <spiffworkflow:serviceTaskOperator id="ledger.x" resultVariable="r">
//     <spiffworkflow:parameters><spiffworkflow:parameter id type value/>
// Every change is one undoable command.
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

export function extension(bo, type) {
  const values = (bo.extensionElements && bo.extensionElements.get("values")) || [];
  return values.find((value) => is(value, type));
}

// `bo`: another business object the element shows (a participant's process).
export function getSpiffProperty(element, name, bo = getBusinessObject(element)) {
  const props = extension(bo, "spiffworkflow:Properties");
  const found = props && props.get("values").find((p) => p.name === name);
  return found ? found.value : undefined;
}

function update(element, moddleElement, properties) {
  return { cmd: "element.updateModdleProperties", context: { element, moddleElement, properties } };
}

function run(commandStack, commands) {
  if (commands.length) { commandStack.execute("properties-panel.multi-command-executor", commands); }
}

// The extension element of `type` on the element, created (with the
// commands that add it) when missing.
function ensureExtension(moddle, element, type, attrs, commands, bo = getBusinessObject(element)) {
  let ext = bo.extensionElements;
  if (!ext) {
    ext = moddle.create("bpmn:ExtensionElements", { values: [] });
    ext.$parent = bo;
    commands.push(update(element, bo, { extensionElements: ext }));
  }
  let found = (ext.get("values") || []).find((value) => is(value, type));
  if (!found) {
    found = moddle.create(type, attrs || {});
    found.$parent = ext;
    commands.push(update(element, ext, { values: [...ext.get("values"), found] }));
  }
  return found;
}

export function setSpiffProperty(injector, element, name, value, bo = getBusinessObject(element)) {
  const moddle = injector.get("moddle"), commands = [];
  const empty = value === undefined || value === null || value === "";
  if (empty && getSpiffProperty(element, name, bo) === undefined) { return; }
  const props = ensureExtension(moddle, element, "spiffworkflow:Properties", { values: [] }, commands, bo);
  const existing = props.get("values").find((p) => p.name === name);
  if (empty) {
    commands.push(update(element, props, { values: props.get("values").filter((p) => p !== existing) }));
  } else if (existing) {
    commands.push(update(element, existing, { value }));
  } else {
    const created = moddle.create("spiffworkflow:Property", { name, value });
    created.$parent = props;
    commands.push(update(element, props, { values: [...props.get("values"), created] }));
  }
  run(injector.get("commandStack"), commands);
}

export function getOperator(element) {
  return extension(getBusinessObject(element), "spiffworkflow:ServiceTaskOperator");
}

export function operatorParameters(operator) {
  return (operator && operator.parameterList && operator.parameterList.get("values")) || [];
}

// Names the operation; parameters the new operation does not take are dropped.
export function setOperation(injector, element, operation, known) {
  const moddle = injector.get("moddle"), commands = [];
  const operator = ensureExtension(moddle, element, "spiffworkflow:ServiceTaskOperator", {}, commands);
  commands.push(update(element, operator, { id: operation || undefined }));
  const names = new Set((known[operation] || []).map((p) => p.name));
  if (operator.parameterList) {
    const kept = operatorParameters(operator).filter((p) => names.has(p.id));
    commands.push(update(element, operator.parameterList, { values: kept }));
  } else {
    const list = moddle.create("spiffworkflow:Parameters", { values: [] });
    list.$parent = operator;
    commands.push(update(element, operator, { parameterList: list }));
  }
  run(injector.get("commandStack"), commands);
}

export function setResultVariable(injector, element, name) {
  const operator = getOperator(element);
  if (operator) { run(injector.get("commandStack"), [update(element, operator, { resultVariable: name || undefined })]); }
}

// Sets (or, with an empty expression, removes) one parameter of the operation.
export function setParameter(injector, element, param, expression) {
  const operator = getOperator(element);
  if (!operator || !operator.parameterList) { return; }
  const moddle = injector.get("moddle"), list = operator.parameterList, commands = [];
  const existing = list.get("values").find((p) => p.id === param.name);
  if (!expression) {
    if (existing) { commands.push(update(element, list, { values: list.get("values").filter((p) => p !== existing) })); }
  } else if (existing) {
    commands.push(update(element, existing, { value: expression }));
  } else {
    const created = moddle.create("spiffworkflow:Parameter", { id: param.name, type: param.type, value: expression });
    created.$parent = list;
    commands.push(update(element, list, { values: [...list.get("values"), created] }));
  }
  run(injector.get("commandStack"), commands);
}
