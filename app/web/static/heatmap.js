// The process heatmap: on the diagram drawn by diagram.js, each user task
// is coloured by its p90 waiting time (five shades, from the figures in
// #heatmap-steps) and labelled with how many instances passed it; clicking
// a step lists its instances (?step=<id>), as its row in the table does.
(function () {
  "use strict";
  var container = document.getElementById("diagram");
  var source = document.getElementById("heatmap-steps");
  if (!container || !source) { return; }
  var data = JSON.parse(source.textContent);

  function shade(p90) {
    if (!p90 || !data.worst) { return 0; }
    return Math.min(4, Math.floor((p90 / data.worst) * 4.999));
  }

  container.addEventListener("diagram:ready", function (event) {
    var viewer = event.detail;
    var canvas = viewer.get("canvas"), overlays = viewer.get("overlays"), registry = viewer.get("elementRegistry");
    var count = 0;
    data.steps.forEach(function (step) {
      if (!registry.get(step.id)) { return; }
      canvas.addMarker(step.id, "heat-" + shade(step.p90));
      if (step.id === data.selected) { canvas.addMarker(step.id, "heat-selected"); }
      var badge = document.createElement("a");
      badge.className = "heat-count";
      badge.href = step.href;
      badge.textContent = String(step.passed);
      badge.title = step.title;
      badge.setAttribute("data-step", step.id);
      overlays.add(step.id, { position: { top: -12, right: 12 }, html: badge });
      count += 1;
    });
    viewer.get("eventBus").on("element.click", function (e) {
      var step = data.steps.filter(function (s) { return s.id === e.element.id; })[0];
      if (step) { window.location.href = step.href; }
    });
    container.setAttribute("data-heat", String(count));
  });
})();
