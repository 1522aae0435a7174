// A second properties provider, "Editors": the code editor of a flow's
// condition and of a script task, the timer builder of a timer event and
// the "what the approver sees" picker of a user task. Process admins and
// auditors see it; the page makes it read-only for auditors.
import "./editors.css";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";
import ExpressionEditor from "./expression_editor";
import ShowsPicker from "./shows_picker";
import TimerBuilder, { timerDefinition } from "./timer_builder";

function conditional(element) {
  const bo = getBusinessObject(element), source = bo.sourceRef;
  if (!is(element, "bpmn:SequenceFlow") || !source) { return false; }
  const isDefault = source.default === bo;
  return !isDefault && (!!bo.conditionExpression || is(source, "bpmn:ExclusiveGateway") || is(source, "bpmn:InclusiveGateway"));
}

function entriesFor(element, ctx) {
  const entry = (id, component, extra) => ({ id, element, component, isEdited: () => true, ...ctx, ...extra });
  if (conditional(element)) { return [entry("lanes-condition", ExpressionEditor, { kind: "condition" })]; }
  if (is(element, "bpmn:ScriptTask")) { return [entry("lanes-script", ExpressionEditor, { kind: "script" })]; }
  if (is(element, "bpmn:Event") && timerDefinition(element)) { return [entry("lanes-timer", TimerBuilder)]; }
  if (is(element, "bpmn:UserTask") || is(element, "bpmn:ManualTask")) { return [entry("lanes-shows", ShowsPicker)]; }
  return [];
}

export default function EditorsPropertiesProvider(propertiesPanel, injector, translate) {
  this.getGroups = (element) => (groups) => {
    const entries = entriesFor(element, { injector, translate });
    if (entries.length) {
      const at = groups.findIndex((group) => group.id === "lanes-platform");
      const after = at >= 0 ? at + 1 : groups.findIndex((group) => group.id === "general") + 1;
      groups.splice(after, 0, { id: "lanes-editors", label: translate("Expressions and data"), entries, shouldOpen: true });
    }
    return groups;
  };
  propertiesPanel.registerProvider(390, this);
}

EditorsPropertiesProvider.$inject = ["propertiesPanel", "injector", "translate"];

export const editorsModule = {
  __init__: ["lanesEditorsProvider"], lanesEditorsProvider: ["type", EditorsPropertiesProvider],
};
