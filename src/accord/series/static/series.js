// The series page's charts, drawn with the locally served ECharts from the page's JSON blocks
// (labels already in the reader's language; a node shown as a match carries no value):
// - the graph: cases, resolved persons and identifiers in a force layout, one category per
//   kind; clicking a node highlights the evidence paths through it (in the list below too);
// - the timeline: the cases the reader sees in full, by date and agency;
// - the map: the agencies involved on a schematic longitude/latitude plane, joined where the
//   evidence links their cases.
(function () {
  "use strict";
  var COLOURS = {
    case: "#3b6fb6", person: "#8e44ad", phone: "#2e8b57",
    account: "#d4881c", plate: "#c0392b", address: "#607d8b",
  };
  var SIZES = { case: 26 };

  function data(id) {
    var block = document.getElementById(id);
    return block ? JSON.parse(block.textContent) : null;
  }

  function mark(nodes) {
    // Highlight the evidence paths (and table rows) through the given nodes; none clears.
    var list = document.getElementById("evidence-paths");
    var first = null;
    document.querySelectorAll(".evidence-path, [data-node]").forEach(function (el) {
      var ids = (el.dataset.nodes || el.dataset.node || "").split(" ");
      var on = nodes.length > 0 && ids.some(function (id) { return nodes.indexOf(id) >= 0; });
      if (el.classList.contains("evidence-path") || el.tagName === "TR" || el.tagName === "LI") {
        el.classList.toggle("selected", on);
      }
      if (on && !first && el.classList.contains("evidence-path")) first = el;
    });
    if (list) list.classList.toggle("filtering", nodes.length > 0);
    if (first) first.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function graph(el, g) {
    var kinds = g.kinds;
    var categories = kinds.map(function (k) {
      return { name: g.kind_labels[k] || k, itemStyle: { color: COLOURS[k] } };
    });
    var nodes = g.nodes.map(function (n) {
      var hidden = n.view !== "full";
      return {
        id: n.id,
        name: n.label || n.kind_label,
        category: kinds.indexOf(n.kind),
        symbolSize: SIZES[n.kind] || 16,
        symbol: n.kind === "case" ? "circle" : "roundRect",
        value: n.kind_label + (n.agency ? " · " + n.agency : "") + (n.day ? " · " + n.day : ""),
        itemStyle: hidden
          ? { opacity: 0.55, borderType: "dashed", borderColor: "#333", borderWidth: 1.5 }
          : {},
        label: { show: true, position: "right", fontSize: 11 },
      };
    });
    var links = g.edges.map(function (e) { return { source: e.source, target: e.target }; });
    var chart = window.echarts.init(el);
    chart.setOption({
      animation: false,
      tooltip: {
        formatter: function (p) {
          return p.dataType === "node" ? p.name + "<br>" + p.value : "";
        },
      },
      legend: [{ data: categories.map(function (c) { return c.name; }), top: 4 }],
      series: [{
        type: "graph",
        layout: "force",
        roam: true,
        draggable: true,
        categories: categories,
        data: nodes,
        links: links,
        force: { repulsion: 420, edgeLength: [70, 150], gravity: 0.06 },
        emphasis: { focus: "adjacency", lineStyle: { width: 3 } },
        lineStyle: { color: "source", opacity: 0.7, width: 1.5 },
      }],
    });
    chart.on("click", function (p) {
      if (p.dataType === "node") mark([p.data.id]);
    });
    chart.getZr().on("click", function (e) { if (!e.target) mark([]); });
    return chart;
  }

  function timeline(el, rows) {
    var agencies = [];
    rows.forEach(function (r) { if (agencies.indexOf(r.agency) < 0) agencies.push(r.agency); });
    var chart = window.echarts.init(el);
    chart.setOption({
      animation: false,
      grid: { left: 72, right: 24, top: 16, bottom: 40 },
      tooltip: { formatter: function (p) { return p.data.day + " · " + p.data.label; } },
      xAxis: { type: "time" },
      yAxis: { type: "category", data: agencies },
      series: [{
        type: "scatter",
        symbolSize: 14,
        itemStyle: { color: COLOURS.case },
        data: rows.map(function (r) {
          return { value: [r.day, r.agency], day: r.day, label: r.label, node: r.node };
        }),
      }],
    });
    chart.on("click", function (p) { if (p.data && p.data.node) mark([p.data.node]); });
    return chart;
  }

  function map(el, m) {
    var lang = document.documentElement.lang === "en" ? "en" : "zh";
    var placed = m.places.filter(function (p) { return p.lon !== null; });
    if (!placed.length) return null;
    var lons = placed.map(function (p) { return p.lon; });
    var lats = placed.map(function (p) { return p.lat; });
    var pad = 3;
    var chart = window.echarts.init(el);
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 24, top: 16, bottom: 32 },
      tooltip: {
        formatter: function (p) {
          if (p.dataType !== "node") return "";
          var d = p.data;
          return d.title + "<br>" + d.cases + " / " + d.matches;
        },
      },
      xAxis: { type: "value", min: Math.floor(Math.min.apply(null, lons) - pad),
               max: Math.ceil(Math.max.apply(null, lons) + pad), name: "°E" },
      yAxis: { type: "value", min: Math.floor(Math.min.apply(null, lats) - pad),
               max: Math.ceil(Math.max.apply(null, lats) + pad), name: "°N" },
      series: [{
        type: "graph",
        coordinateSystem: "cartesian2d",
        symbolSize: function (v, p) { return 14 + 4 * (p.data.cases + p.data.matches); },
        label: { show: true, position: "right", formatter: function (p) { return p.data.name; } },
        itemStyle: { color: COLOURS.case },
        lineStyle: { color: "#888", width: 2, opacity: 0.8 },
        data: placed.map(function (p, i) {
          // Agencies of one province stand at one centre: fan them out a little.
          var same = placed.slice(0, i).filter(function (q) {
            return q.lon === p.lon && q.lat === p.lat;
          }).length;
          return {
            name: p.code,
            title: lang === "en" ? p.name_en : p.name_zh,
            value: [p.lon + 0.6 * same, p.lat - 0.4 * same],
            cases: p.cases,
            matches: p.matches,
          };
        }),
        links: m.links.filter(function (l) {
          return placed.some(function (p) { return p.code === l.source; }) &&
                 placed.some(function (p) { return p.code === l.target; });
        }).map(function (l) {
          return { source: l.source, target: l.target, lineStyle: { width: 1 + l.paths } };
        }),
      }],
    });
    return chart;
  }

  function start() {
    if (!window.echarts) return;
    var charts = [];
    var g = data("series-graph-data"), el = document.getElementById("series-graph");
    if (g && el) charts.push(graph(el, g));
    var t = data("series-timeline-data"), tel = document.getElementById("series-timeline");
    if (t && t.length && tel) charts.push(timeline(tel, t));
    var m = data("series-map-data"), mel = document.getElementById("series-map");
    if (m && mel) charts.push(map(mel, m));
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { if (c) c.resize(); });
    });
    document.querySelectorAll(".evidence-path").forEach(function (li) {
      li.addEventListener("click", function (e) {
        if (e.target.closest("a")) return;
        mark(li.dataset.nodes.split(" "));
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
