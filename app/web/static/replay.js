// The replay page: bpmn-js draws the pinned version; a slider, previous /
// next buttons, the arrow keys and the event list move to an event; the
// diagram marks where the tokens were, the path taken so far and the
// event's own step, and the data panel is the server's rendering of it.
(function () {
  "use strict";
  // Re-execution: the verdict is put in place instead of leaving the page.
  var reexecute = document.getElementById("reexecute-form");
  if (reexecute) {
    reexecute.addEventListener("submit", function (e) {
      e.preventDefault();
      var button = reexecute.querySelector("button"), place = document.getElementById("reexecute-verdict");
      button.disabled = true;
      fetch(reexecute.getAttribute("action") + "?partial=1", { method: "POST", credentials: "same-origin",
        body: new FormData(reexecute) })
        .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.text(); })
        .then(function (html) { place.innerHTML = html; button.disabled = false; })
        .catch(function () { reexecute.submit(); });
    });
  }

  var form = document.getElementById("replay-scrubber");
  var container = document.getElementById("replay-diagram");
  if (!form || !container) { return; }
  var range = document.getElementById("replay-seq");
  var output = document.getElementById("replay-position");
  var prev = document.getElementById("replay-prev"), next = document.getElementById("replay-next");
  var moments = [], index = -1, viewer = null, marked = [], loading = 0;
  var positionText = output.textContent.replace(/\d+/, "{n}");

  function isActivity(element) {
    return /Task$|SubProcess$|CallActivity$/.test(element.type);
  }

  // Shortest route from `from` to `to` over sequence flows, through elements
  // that are not activities (gateways and events leave no step of their own).
  function routeBetween(registry, from, to) {
    var start = registry.get(from);
    if (!start) { return null; }
    var queue = [[start, []]], seen = {};
    seen[from] = true;
    while (queue.length) {
      var item = queue.shift(), element = item[0], trail = item[1], outgoing = element.outgoing || [];
      for (var i = 0; i < outgoing.length; i++) {
        var flow = outgoing[i], target = flow.target;
        if (!target || seen[target.id]) { continue; }
        var route = trail.concat([flow.id]);
        if (target.id === to) { return route; }
        seen[target.id] = true;
        if (!isActivity(target)) { queue.push([target, route.concat([target.id])]); }
      }
    }
    return null;
  }

  function mark(moment) {
    if (!viewer || !moment) { return; }
    var canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry");
    marked.forEach(function (m) { canvas.removeMarker(m[0], m[1]); });
    marked = [];
    function add(id, css) {
      if (id && registry.get(id)) { canvas.addMarker(id, css); marked.push([id, css]); }
    }
    var starts = registry.filter(function (e) {
      return e.type === "bpmn:StartEvent" && !(e.incoming || []).length && e.parent && e.parent.type !== "bpmn:SubProcess";
    });
    var anchors = starts.slice(0, 1).map(function (e) { return e.id; }).concat(moment.path);
    var path = {};
    anchors.slice(0, 1).forEach(function (id) { path[id] = true; });
    for (var i = 1; i < anchors.length; i++) {
      path[anchors[i]] = true;
      for (var j = i - 1; j >= 0; j--) {  // the latest earlier step that leads here; parallel branches skip some
        var found = routeBetween(registry, anchors[j], anchors[i]);
        if (found) { found.forEach(function (id) { path[id] = true; }); break; }
      }
    }
    moment.active.forEach(function (id) {  // the flows a waiting token came along
      for (var j = anchors.length - 1; j >= 0; j--) {
        var found = routeBetween(registry, anchors[j], id);
        if (found) { found.forEach(function (flow) { path[flow] = true; }); break; }
      }
    });
    if (moment.kind === "instance_completed" && anchors.length) {
      registry.filter(function (e) { return e.type === "bpmn:EndEvent"; }).some(function (end) {
        var route = routeBetween(registry, anchors[anchors.length - 1], end.id);
        if (route) { route.concat([end.id]).forEach(function (id) { path[id] = true; }); return true; }
        return false;
      });
    }
    Object.keys(path).forEach(function (id) { add(id, "lanes-path"); });
    moment.active.forEach(function (id) { add(id, "lanes-active"); });
    add(moment.element_id, "lanes-event");
    focus(registry.get(moment.element_id || "") || registry.get(moment.active[0] || "") || registry.get(anchors[anchors.length - 1] || ""));
    container.setAttribute("data-marked", String(marked.length));
    container.setAttribute("data-seq", String(moment.seq));
  }

  // A whole flow fitted into the box is too small to read: show the event's
  // step at a readable scale, moving only when it is out of sight.
  function focus(element) {
    if (!element) { return; }
    var canvas = viewer.get("canvas"), box = canvas.viewbox();
    var inside = element.x >= box.x && element.y >= box.y && element.x + element.width <= box.x + box.width &&
      element.y + element.height <= box.y + box.height;
    if (inside && box.scale >= 0.6) { return; }
    if (box.scale < 0.6) { canvas.zoom(0.8); box = canvas.viewbox(); }
    canvas.viewbox({ x: element.x + element.width / 2 - box.width / 2, y: element.y + element.height / 2 - box.height / 2,
      width: box.width, height: box.height });
  }

  function pageUrl(seq) {
    return form.getAttribute("action") + "?seq=" + encodeURIComponent(seq);
  }

  function swapPanel(seq) {
    var ticket = ++loading;
    document.body.setAttribute("data-replay-loading", "true");
    fetch(pageUrl(seq), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.text(); })
      .then(function (html) {
        if (ticket !== loading) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("replay-moment");
        var panel = document.getElementById("replay-moment");
        if (fresh && panel) { panel.innerHTML = fresh.innerHTML; }
        document.body.removeAttribute("data-replay-loading");
      })
      .catch(function () { window.location.href = pageUrl(seq); });
  }

  function select(newIndex, fromRange) {
    if (newIndex < 0 || newIndex >= moments.length || newIndex === index) { return; }
    index = newIndex;
    var moment = moments[index];
    if (!fromRange) { range.value = String(moment.seq); }
    output.textContent = positionText.replace("{n}", String(moment.seq));
    range.setAttribute("aria-valuetext", output.textContent);
    form.setAttribute("data-seq", String(moment.seq));
    [[prev, index - 1], [next, index + 1]].forEach(function (pair) {
      var target = moments[pair[1]];
      if (target) { pair[0].href = pageUrl(target.seq); pair[0].removeAttribute("aria-disabled"); }
      else { pair[0].removeAttribute("href"); pair[0].setAttribute("aria-disabled", "true"); }
    });
    document.querySelectorAll(".replay-events li").forEach(function (li) {
      var on = li.getAttribute("data-seq") === String(moment.seq);
      li.classList.toggle("selected", on);
      if (on) { li.setAttribute("aria-current", "step"); li.scrollIntoView({ block: "nearest" }); }
      else { li.removeAttribute("aria-current"); }
    });
    mark(moment);
    window.history.replaceState(null, "", pageUrl(moment.seq));
    var back = document.querySelector("form.lang input[name=next]");  // the language switch returns here
    if (back) { back.value = pageUrl(moment.seq); }
    swapPanel(moment.seq);
  }

  function indexOfSeq(seq) {
    for (var i = 0; i < moments.length; i++) { if (moments[i].seq === seq) { return i; } }
    return -1;
  }

  function wire() {
    range.addEventListener("input", function () { select(indexOfSeq(Number(range.value)), true); });
    prev.addEventListener("click", function (e) { e.preventDefault(); select(index - 1); });
    next.addEventListener("click", function (e) { e.preventDefault(); select(index + 1); });
    document.querySelectorAll(".replay-events li").forEach(function (li) {
      li.querySelector("a").addEventListener("click", function (e) {
        e.preventDefault();
        select(indexOfSeq(Number(li.getAttribute("data-seq"))));
      });
    });
    document.addEventListener("keydown", function (e) {
      var typing = e.target && /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName) && e.target !== range;
      if (typing || e.altKey || e.ctrlKey || e.metaKey) { return; }
      if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
        e.preventDefault();
        select(index + (e.key === "ArrowLeft" ? -1 : 1));
        if (e.target === range) { range.focus(); }
      }
    });
    form.setAttribute("data-live", "true");
  }

  var current = Number(form.getAttribute("data-seq"));
  var marks = JSON.parse(document.getElementById("replay-marks").textContent || "{}");
  var data = fetch(form.getAttribute("data-api") + "?seq=" + current, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
    .then(function (body) { moments = body.moments; index = indexOfSeq(current); wire(); });
  if (window.BpmnJS) {
    viewer = new window.BpmnJS({ container: container });
    fetch(container.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.text(); })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        viewer.get("canvas").zoom("fit-viewport", "auto");
        return data;
      })
      .then(function () { mark(moments[index] || { seq: current, kind: "", path: marks.path || [], active: marks.active || [], element_id: marks.element }); })
      .catch(function (error) {
        container.setAttribute("data-error", String(error));
        container.textContent = container.getAttribute("aria-label") + " — " + String(error);
      });
  }
})();
