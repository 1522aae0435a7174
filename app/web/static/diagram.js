// The instance diagram: bpmn-js (served from /static/vendor) draws the
// deployed BPMN; steps done, the current step and the path taken between
// them are coloured with canvas markers. A long diagram is not squeezed into
// the width: it opens at a readable zoom on the current step (else the last
// step reached, else the start), with zoom/fit/back buttons and a minimap.
(function () {
  "use strict";
  var container = document.getElementById("diagram");
  if (!container || !window.BpmnJS) { return; }
  var marks = JSON.parse(document.getElementById("diagram-marks").textContent);
  var texts = JSON.parse(document.getElementById("diagram-texts").textContent);
  var READABLE = 1.0, MIN_ZOOM = 0.2, MAX_ZOOM = 4, STEP = 1.25, MARGIN = 40;

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

  function startEvents(registry) {
    return registry.filter(function (e) { return e.type === "bpmn:StartEvent" && !(e.incoming || []).length && e.parent && e.parent.type !== "bpmn:SubProcess"; });
  }

  function highlight(viewer) {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var anchors = startEvents(registry).map(function (e) { return e.id; }).slice(0, 1).concat(marks.arrivals);
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

  // The shapes to open on, on the plane shown: the current steps, else the
  // failed one, else the last step reached, else the start event. A step
  // inside a collapsed sub-process is shown by the sub-process.
  function focusShapes(viewer) {
    var canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry");
    var root = canvas.getRootElement();
    function onPlane(id) {
      var element = registry.get(id);
      if (element && element.waypoints) { return null; }
      if (element && canvas.findRoot(element) !== root) {
        element = registry.get(canvas.findRoot(element).id.replace(/_plane$/, ""));
      }
      return element && canvas.findRoot(element) === root ? element : null;
    }
    var lists = [marks.active, marks.failed || [], marks.arrivals.slice(-1),
                 startEvents(registry).slice(0, 1).map(function (e) { return e.id; })];
    for (var i = 0; i < lists.length; i++) {
      var shapes = lists[i].map(onPlane).filter(Boolean);
      if (shapes.length) { return shapes; }
    }
    return [];
  }

  function box(shapes) {
    var x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
    shapes.forEach(function (s) {
      x1 = Math.min(x1, s.x); y1 = Math.min(y1, s.y);
      x2 = Math.max(x2, s.x + s.width); y2 = Math.max(y2, s.y + s.height);
    });
    return { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
  }

  // Show `target` (diagram coordinates) in the middle at `scale`, keeping
  // the diagram's own edges in view rather than empty canvas beyond them.
  function centreOn(canvas, target, scale) {
    var size = canvas.getSize(), inner = canvas.viewbox().inner;
    var width = size.width / scale, height = size.height / scale;
    function axis(start, length, view, lo, extent) {
      if (extent + 2 * MARGIN <= view) { return lo + extent / 2 - view / 2; }
      var wanted = start + length / 2 - view / 2;
      return Math.max(lo - MARGIN, Math.min(wanted, lo + extent + MARGIN - view));
    }
    canvas.viewbox({ x: axis(target.x, target.width, width, inner.x, inner.width),
                     y: axis(target.y, target.height, height, inner.y, inner.height),
                     width: width, height: height });
  }

  function showCurrent(viewer) {
    var canvas = viewer.get("canvas"), shapes = focusShapes(viewer);
    var size = canvas.getSize();
    if (!shapes.length) { canvas.zoom("fit-viewport", "auto"); return; }
    var target = box(shapes);
    if (target.width > size.width / READABLE || target.height > size.height / READABLE) { target = box(shapes.slice(0, 1)); }
    centreOn(canvas, target, READABLE);
  }

  function zoomBy(canvas, factor) {
    canvas.zoom(Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, canvas.zoom() * factor)));
  }

  function wireTools(viewer) {
    var canvas = viewer.get("canvas");
    var tools = document.getElementById("diagram-tools");
    var actions = {
      "in": function () { zoomBy(canvas, STEP); },
      "out": function () { zoomBy(canvas, 1 / STEP); },
      "fit": function () { canvas.zoom("fit-viewport", "auto"); },
      "current": function () { showCurrent(viewer); }
    };
    Array.prototype.forEach.call(tools.querySelectorAll("button[data-zoom]"), function (button) {
      button.addEventListener("click", function () { actions[button.getAttribute("data-zoom")](); });
    });
    tools.hidden = false;
    // On the focused diagram: the arrow keys move it (bpmn-js wants Ctrl as well), + and - zoom.
    var keyboard = viewer.get("keyboard"), keyboardMove = viewer.get("keyboardMove");
    var arrows = { ArrowLeft: "left", ArrowRight: "right", ArrowUp: "up", ArrowDown: "down" };
    keyboard.addListener(function (context) {
      var event = context.keyEvent;
      if (event.ctrlKey || event.metaKey || event.altKey) { return false; }
      if (arrows[event.key]) { keyboardMove.moveCanvas({ direction: arrows[event.key], speed: event.shiftKey ? 200 : 50 }); return true; }
      if (event.key === "+" || event.key === "=") { actions["in"](); return true; }
      if (event.key === "-") { actions.out(); return true; }
      return false;
    });
    var hint = document.getElementById("diagram-hint");
    if (hint) { hint.hidden = false; }
  }

  // The minimap's own texts ("Open minimap") in the page's language.
  var translateModule = {
    translate: ["value", function (template, replacements) {
      var text = texts[template] || template;
      return text.replace(/{([^}]+)}/g, function (_, key) { return (replacements || {})[key] || "{" + key + "}"; });
    }]
  };

  // A label box drawn for a short Chinese name ("驳回") is too narrow for
  // its English ("Reject"), which then breaks inside words: grow each
  // external label to fit its text, as the modeler sizes a label typed in it.
  function fitLabels(viewer) {
    var registry = viewer.get("elementRegistry"), text = viewer.get("textRenderer"), graphics = viewer.get("graphicsFactory");
    registry.filter(function (e) { return e.type === "label" && e.businessObject && e.businessObject.name; }).forEach(function (label) {
      var fitted = text.getExternalLabelBounds(label, label.businessObject.name);
      if (fitted.width <= label.width && fitted.height <= label.height) { return; }
      label.x = fitted.x; label.width = Math.max(fitted.width, label.width); label.height = Math.max(fitted.height, label.height);
      graphics.update("shape", label, registry.getGraphics(label));
    });
  }

  var modules = [translateModule].concat(window.DiagramJSMinimap ? [window.DiagramJSMinimap] : []);
  var viewer = new window.BpmnJS({ container: container, additionalModules: modules });
  viewer.get("eventBus").on("canvas.viewbox.changed", function (event) {
    container.setAttribute("data-zoom", String(Math.round(event.viewbox.scale * 1000) / 1000));
  });
  fetch(container.getAttribute("data-url"), { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.text(); })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      fitLabels(viewer);
      highlight(viewer);
      showCurrent(viewer);
      wireTools(viewer);
      // Open beside a wide diagram; on a phone it would cover the steps, so it starts folded there.
      if (window.DiagramJSMinimap && container.clientWidth >= 600) { viewer.get("minimap").open(); }
      container.setAttribute("data-ready", "true");
      // Pages that add their own layer (the process heatmap) start from here.
      container.dispatchEvent(new CustomEvent("diagram:ready", { detail: viewer }));
    })
    .catch(function (error) {
      container.setAttribute("data-error", String(error));
      container.textContent = container.getAttribute("aria-label") + " — " + String(error);
    });
})();
