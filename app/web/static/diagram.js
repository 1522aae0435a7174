// The instance diagram: bpmn-js (served from /static/vendor) draws the
// deployed BPMN; steps done, the current step and the path taken between
// them are coloured with canvas markers.
(function () {
  "use strict";
  var container = document.getElementById("diagram");
  if (!container || !window.BpmnJS) { return; }
  var marks = JSON.parse(document.getElementById("diagram-marks").textContent);

  function isActivity(element) {
    return /Task$|SubProcess$|CallActivity$/.test(element.type);
  }

  // Shortest path from `from` to `to` over sequence flows, passing only
  // through elements that leave no trace in the history (gateways, events).
  function pathBetween(registry, from, to) {
    var start = registry.get(from);
    if (!start) { return null; }
    var queue = [[start, []]], seen = {};
    seen[from] = true;
    while (queue.length) {
      var item = queue.shift(), element = item[0], trail = item[1];
      var outgoing = element.outgoing || [];
      for (var i = 0; i < outgoing.length; i++) {
        var flow = outgoing[i], target = flow.target;
        if (!target || seen[target.id]) { continue; }
        var next = trail.concat([flow.id]);
        if (target.id === to) { return next; }
        seen[target.id] = true;
        if (!isActivity(target)) { queue.push([target, next.concat([target.id])]); }
      }
    }
    return null;
  }

  function highlight(viewer) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var starts = registry.filter(function (e) { return e.type === "bpmn:StartEvent" && !(e.incoming || []).length && e.parent && e.parent.type !== "bpmn:SubProcess"; });
    var anchors = starts.map(function (e) { return e.id; }).slice(0, 1).concat(marks.arrivals);
    var path = {}, count = 0;
    for (var i = 1; i < anchors.length; i++) {
      // The latest earlier anchor that leads here; parallel branches may skip some.
      for (var j = i - 1; j >= 0; j--) {
        var found = pathBetween(registry, anchors[j], anchors[i]);
        if (found) { found.forEach(function (id) { path[id] = true; }); break; }
      }
    }
    if (marks.ended && anchors.length) {
      var last = anchors[anchors.length - 1];
      registry.filter(function (e) { return e.type === "bpmn:EndEvent"; }).some(function (end) {
        var trail = pathBetween(registry, last, end.id);
        if (trail) { trail.forEach(function (id) { path[id] = true; }); path[end.id] = true; return true; }
        return false;
      });
    }
    anchors.slice(0, 1).forEach(function (id) { path[id] = true; });
    function mark(id, css) {
      if (registry.get(id)) { canvas.addMarker(id, css); count += 1; }
    }
    Object.keys(path).forEach(function (id) { mark(id, "lanes-path"); });
    marks.done.forEach(function (id) { mark(id, "lanes-done"); });
    marks.active.forEach(function (id) { mark(id, "lanes-active"); });
    (marks.failed || []).forEach(function (id) { mark(id, "lanes-failed"); });
    container.setAttribute("data-highlighted", String(count));
  }

  var viewer = new window.BpmnJS({ container: container });
  fetch(container.getAttribute("data-url"), { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.text(); })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      viewer.get("canvas").zoom("fit-viewport", "auto");
      highlight(viewer);
    })
    .catch(function (error) {
      container.setAttribute("data-error", String(error));
      container.textContent = container.getAttribute("aria-label") + " — " + String(error);
    });
})();
