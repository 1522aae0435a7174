// The migration page's progress bar: while the batch runs, ask the server
// to move a few more requests (the worker does the same when it runs) and
// show how far it got; when it is done, reload to show each result.
(function () {
  "use strict";
  var bar = document.getElementById("migration-progress");
  if (!bar || bar.dataset.status !== "running") { return; }
  var percent = document.getElementById("migration-percent");
  var counts = document.getElementById("migration-counts");

  function show(p) {
    bar.value = p.percent;
    bar.textContent = p.percent + "%";
    percent.textContent = p.percent + "%";
    counts.dataset.moved = p.moved;
    if (p.status !== "running") { window.location.reload(); return; }
    window.setTimeout(step, 400);
  }

  function step() {
    var request = bar.dataset.advance
      ? fetch(bar.dataset.advance, {method: "POST", credentials: "same-origin",
                                    headers: {"X-CSRFToken": bar.dataset.csrf, "Accept": "application/json"}})
      : fetch(bar.dataset.poll, {credentials: "same-origin", headers: {"Accept": "application/json"}});
    request.then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(show).catch(function () { window.setTimeout(step, 2000); });
  }

  step();
}());
