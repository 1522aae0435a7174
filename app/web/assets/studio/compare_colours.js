// Colours one side of a comparison: bpmn-js-differ's result (with the
// server's list of changed elements, which also sees our extension
// properties), and a badge with the running instances waiting on a step.
const MARKERS = { added: "compare-added", removed: "compare-removed", changed: "compare-changed", layout: "compare-layout" };

export function differences(differ, server) {
  const ids = (object) => Object.keys(object || {});
  const changed = new Set([...ids(differ._changed), ...server.changed]);
  const added = new Set([...ids(differ._added), ...server.added]);
  const removed = new Set([...ids(differ._removed), ...server.removed]);
  const layout = new Set([...ids(differ._layoutChanged), ...server.layout].filter((id) => !changed.has(id)));
  return { added, removed, changed, layout };
}

export function colour(viewer, side, found, waiting, texts) {
  const registry = viewer.get("elementRegistry"), canvas = viewer.get("canvas"), overlays = viewer.get("overlays");
  const mark = (ids, kind) => ids.forEach((id) => { if (registry.get(id)) { canvas.addMarker(id, MARKERS[kind]); } });
  mark(found.changed, "changed");
  mark(found.layout, "layout");
  mark(side === "a" ? found.removed : found.added, side === "a" ? "removed" : "added");
  Object.entries(waiting || {}).forEach(([id, count]) => {
    if (!registry.get(id)) { return; }
    const badge = document.createElement("span");
    badge.className = "compare-waiting";
    badge.textContent = String(count);
    badge.title = texts.waiting.replace("{n}", count);
    overlays.add(id, { position: { top: -12, right: 12 }, html: badge });
  });
}
