// Charts on the report pages, drawn by Apache ECharts (static/vendor/echarts,
// copied from the npm lock). A page declares a chart as an element with
//   class="chart" data-chart='{"kind": "bar" | "line" | "stacked",
//     "categories": [...], "series": [{"name": ..., "data": [numbers]}],
//     "money": true, "unit": "..."}'
// and includes this script after vendor/echarts/echarts.min.js. The table
// beside a chart holds the same figures: the chart is a picture of it, so a
// reader without scripts loses nothing.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "zh-CN";
  var money = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var plain = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });

  function format(spec, value) {
    if (value === null || value === undefined || value === "") return "—";
    var number = Number(value);
    if (spec.money) return "¥" + money.format(number);
    return plain.format(number) + (spec.unit ? " " + spec.unit : "");
  }

  function option(spec) {
    var stacked = spec.kind === "stacked";
    var type = spec.kind === "line" ? "line" : "bar";
    return {
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return format(spec, v); } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: spec.categories, axisLabel: { interval: 0, hideOverlap: true } },
      yAxis: { type: "value", axisLabel: { formatter: function (v) { return spec.money ? "¥" + plain.format(v) : plain.format(v); } } },
      series: spec.series.map(function (s) {
        return { name: s.name, type: type, data: s.data, stack: stacked ? "all" : undefined, smooth: false,
                 emphasis: { focus: "series" } };
      }),
    };
  }

  function draw(element) {
    if (!window.echarts) return;
    var spec;
    try { spec = JSON.parse(element.getAttribute("data-chart")); } catch (e) { return; }
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option(spec));
    element.lanesChart = chart;
    window.addEventListener("resize", function () { chart.resize(); });
  }

  window.LanesCharts = { draw: draw, format: format };
  document.querySelectorAll(".chart[data-chart]").forEach(draw);
})();
