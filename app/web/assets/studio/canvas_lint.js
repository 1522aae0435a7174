// bpmnlint in the canvas: bpmn-js-bpmnlint with the rules compiled into the
// bundle at build time (bpmnlintrc.json: the recommended rules but
// event-based-gateway, since the deploy lint refuses event-based gateways
// outright, and no-gateway-join-fork, since the platform's own diagrams let
// a gateway join and fork and the engine runs it). Its issues go to the
// problems list beside the deploy check's.
import "bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css";
import lintModule from "bpmn-js-bpmnlint";
import bpmnlintConfig from "lanes-bpmnlint-config";
import { showCanvasIssues } from "./problems";

export const canvasLintModule = lintModule;
export const lintingOptions = { bpmnlint: bpmnlintConfig, active: true };

export function listenToCanvasLint(modeler, texts) {
  modeler.get("eventBus").on("linting.completed", ({ issues }) => showCanvasIssues(modeler, issues, texts));
}
