// The waterfall charts of a person cluster page: for each pair of records, the prior weight and
// the weight each field added or took away, ending at the match weight (Splink's explanation of
// a score). Numbers and labels (already in the reader's language) come from the page's JSON.
(function () {
  "use strict";

  function option(chart) {
    var labels = [], base = [], up = [], down = [], running = 0;
    chart.steps.forEach(function (step) {
      var w = step.weight;
      labels.push(step.level ? step.label + "\n" + step.level : step.label);
      var start = running, end = running + w;
      base.push(Math.min(start, end));
      up.push(w >= 0 ? w : 0);
      down.push(w < 0 ? -w : 0);
      running = end;
    });
    labels.push("=");
    base.push(Math.min(0, running));
    up.push(running >= 0 ? running : 0);
    down.push(running < 0 ? -running : 0);
    return {
      animation: false,
      grid: { left: 40, right: 16, top: 16, bottom: 56 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0, fontSize: 11 } },
      yAxis: { type: "value", name: "bits" },
      series: [
        { type: "bar", stack: "w", data: base, itemStyle: { color: "transparent" }, tooltip: { show: false } },
        { type: "bar", stack: "w", data: up, itemStyle: { color: "#2e8b57" } },
        { type: "bar", stack: "w", data: down, itemStyle: { color: "#c0392b" } },
      ],
    };
  }

  function draw() {
    var block = document.getElementById("waterfall-data");
    if (!block || !window.echarts) return;
    var charts = JSON.parse(block.textContent);
    document.querySelectorAll(".waterfall-chart").forEach(function (el) {
      var data = charts[el.dataset.chart];
      if (!data) return;
      var chart = window.echarts.init(el);
      chart.setOption(option(data));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
