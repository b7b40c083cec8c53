// The assistance statistics charts: read the numbers (and their names, already in the reader's
// language) from the page's JSON block and draw them with the locally served Apache ECharts.
(function () {
  "use strict";
  var colours = ["#3b6fb6", "#2e8b57", "#d4a017", "#c0392b", "#7d5ba6"];

  function bars(data, horizontal) {
    // Every member's or type's name shown (slanted when many); value labels never overlap.
    var many = !horizontal && data.categories.length > 3;
    var categories = {
      type: "category",
      data: data.categories,
      axisLabel: { interval: 0, rotate: many ? 30 : 0 },
    };
    var values = { type: "value", minInterval: 1, axisLabel: { hideOverlap: true } };
    return {
      animation: false,
      color: colours,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: horizontal ? 140 : 40, right: 16, top: 36, bottom: many ? 70 : 40 },
      xAxis: horizontal ? values : categories,
      yAxis: horizontal ? categories : values,
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data };
      }),
    };
  }

  function pie(items) {
    return {
      animation: false,
      color: colours,
      tooltip: { trigger: "item" },
      legend: { top: 0 },
      series: [{ type: "pie", radius: ["35%", "65%"], top: 24, data: items }],
    };
  }

  function draw() {
    var source = document.getElementById("stats-chart-data");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var options = {
      monthly: function () { return bars(data.monthly, false); },
      members: function () { return bars(data.members, false); },
      types: function () { return bars(data.types, true); },
      outcomes: function () { return pie(data.outcomes); },
    };
    var charts = [];
    document.querySelectorAll(".stats-chart").forEach(function (holder) {
      var make = options[holder.dataset.kind];
      if (!make) return;
      var chart = echarts.init(holder, null, { renderer: "svg" });
      chart.setOption(make());
      holder.dataset.rendered = "true";
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
