// The waterfall charts of a person cluster page: for each pair of records, the prior weight and
// the weight each field added or took away, ending at the match weight (Splink's explanation of
// a score). Each step is a box from the running total before it to the one after (a candlestick
// box, so that steps below zero draw right); green adds evidence, red takes it away. Numbers and
// labels (already in the reader's language) come from the page's JSON block. A chart is drawn
// when its <details> is first opened.
(function () {
  "use strict";
  var UP = "#2e8b57", DOWN = "#c0392b", TOTAL = "#3b6fb6";

  function option(chart) {
    var labels = [], boxes = [], running = 0;
    chart.steps.forEach(function (step) {
      var start = running, end = running + step.weight;
      labels.push(step.level ? step.label + "\n" + step.level : step.label);
      boxes.push({ value: [start, end, Math.min(start, end), Math.max(start, end)] });
      running = end;
    });
    labels.push("=");
    boxes.push({
      value: [0, running, Math.min(0, running), Math.max(0, running)],
      itemStyle: { color: TOTAL, borderColor: TOTAL },
    });
    return {
      animation: false,
      grid: { left: 48, right: 16, top: 16, bottom: 56 },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var v = p.data.value, w = v[1] - v[0];
          return p.name.replace("\n", " · ") + ": " + (w >= 0 ? "+" : "") + w.toFixed(1);
        },
      },
      xAxis: {
        type: "category",
        data: labels,
        axisLabel: { interval: 0, fontSize: 11, width: 110, overflow: "break" },
      },
      yAxis: { type: "value", name: "bits" },
      series: [
        {
          type: "candlestick",
          data: boxes,
          barMaxWidth: 48,
          itemStyle: { color: UP, color0: DOWN, borderColor: UP, borderColor0: DOWN },
        },
      ],
    };
  }

  var drawn = new WeakSet();

  function draw(el, charts) {
    if (drawn.has(el)) return;
    var data = charts[el.dataset.chart];
    if (!data || !window.echarts) return;
    drawn.add(el);
    var chart = window.echarts.init(el);
    chart.setOption(option(data));
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    var block = document.getElementById("waterfall-data");
    if (!block) return;
    var charts = JSON.parse(block.textContent);
    document.querySelectorAll("details.waterfall").forEach(function (box) {
      var el = box.querySelector(".waterfall-chart");
      if (box.open) draw(el, charts);
      box.addEventListener("toggle", function () { if (box.open) draw(el, charts); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
