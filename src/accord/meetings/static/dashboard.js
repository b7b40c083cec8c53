// The zone dashboard's bar chart: reads its numbers from the page's JSON block (the same
// numbers as the table below it) and draws them with the locally served Apache ECharts.
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("commands-chart");
    var source = document.getElementById("commands-chart-data");
    if (!holder || !source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var labels = JSON.parse(holder.dataset.labels);
    var colours = { open: "#3b6fb6", overdue: "#c0392b", done: "#2e8b57", done_late: "#d4a017" };
    var chart = echarts.init(holder, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 40, bottom: 40 },
      xAxis: { type: "category", data: data.names },
      yAxis: { type: "value", minInterval: 1 },
      series: ["open", "overdue", "done", "done_late"].map(function (key) {
        return {
          name: labels[key],
          type: "bar",
          data: data.series[key],
          itemStyle: { color: colours[key] },
        };
      }),
    });
    holder.dataset.rendered = "true";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
