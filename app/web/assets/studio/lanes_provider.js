// Our properties provider: one group, "Platform", after the core "General"
// group, speaking the platform's conventions for the selected element.
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";
import { englishNameEntry, laneEntries, serviceTaskEntries, startEventEntries, userTaskEntries } from "./lanes_entries";

// What a person reads by name: its English name is edited here (lanes name roles).
const NAMED = ["bpmn:FlowNode", "bpmn:SequenceFlow", "bpmn:Participant", "bpmn:Process"];

function entriesFor(ctx, element) {
  const named = NAMED.some((type) => is(element, type)) ? [englishNameEntry(ctx, element)] : [];
  return [...named, ...platformEntries(ctx, element)];
}

function platformEntries(ctx, element) {
  const bo = getBusinessObject(element);
  if (is(element, "bpmn:Lane")) { return laneEntries(ctx, element); }
  if (is(element, "bpmn:UserTask") || is(element, "bpmn:ManualTask")) { return userTaskEntries(ctx, element); }
  if (is(element, "bpmn:ServiceTask")) { return serviceTaskEntries(ctx, element); }
  if (is(element, "bpmn:StartEvent") && !(bo.eventDefinitions || []).length && is(bo.$parent, "bpmn:Process")) {
    return startEventEntries(ctx, element);
  }
  return [];
}

export default function LanesPropertiesProvider(propertiesPanel, injector, translate, lanesChoices) {
  const ctx = { injector, translate, choices: lanesChoices };
  this.getGroups = (element) => (groups) => {
    const entries = entriesFor(ctx, element);
    if (entries.length) {
      const at = groups.findIndex((group) => group.id === "general") + 1;
      groups.splice(at, 0, { id: "lanes-platform", label: translate("Platform"), entries, shouldOpen: true });
    }
    return groups;
  };
  propertiesPanel.registerProvider(400, this);
}

LanesPropertiesProvider.$inject = ["propertiesPanel", "injector", "translate", "lanesChoices"];
