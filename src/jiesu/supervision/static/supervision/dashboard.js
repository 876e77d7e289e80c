/* Dashboards (issue 13 item 6): draw each chart from the page's JSON (json_script), with the local ECharts. */
(function () {
  "use strict";
  var FONT = '"WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';

  function base(chart) {
    return {
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "axis", confine: true },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      animation: false
    };
  }

  function series(chart, type, extra) {
    return chart.series.map(function (s) {
      var one = { name: s.name, type: type, data: s.data };
      for (var k in extra) { one[k] = extra[k]; }
      return one;
    });
  }

  var BUILD = {
    volume: function (chart) {
      var o = base(chart);
      o.xAxis = { type: "category", data: chart.categories, axisLabel: { rotate: 45 } };
      o.yAxis = { type: "value", minInterval: 1 };
      o.series = series(chart, "bar", { stack: "total" });
      return o;
    },
    rates: function (chart) {
      var o = base(chart);
      o.xAxis = { type: "category", data: chart.categories, axisLabel: { rotate: 45, interval: 0 } };
      o.yAxis = { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } };
      o.series = series(chart, "bar", {});
      return o;
    },
    overdue: function (chart) {
      var o = base(chart);
      o.xAxis = { type: "category", data: chart.categories, axisLabel: { rotate: 45 } };
      o.yAxis = { type: "value", minInterval: 1 };
      o.series = series(chart, "line", { smooth: false, areaStyle: {} });
      return o;
    },
    ranking: function (chart) {
      var o = base(chart);
      o.tooltip.trigger = "item";
      o.grid.right = 48; // room for the score printed after each bar
      o.xAxis = { type: "value", min: 0, max: 100 };
      o.yAxis = { type: "category", data: chart.categories };
      o.series = series(chart, "bar", { label: { show: true, position: "right" } });
      return o;
    }
  };

  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof echarts === "undefined") { return; }
    var charts = JSON.parse(source.textContent);
    var drawn = [];
    charts.forEach(function (chart) {
      var el = document.getElementById("chart-" + chart.key);
      if (!el || !BUILD[chart.key]) { return; }
      if (chart.key === "ranking" || chart.key === "rates") {
        el.style.height = Math.max(260, 28 * chart.categories.length + 120) + "px";
      }
      var instance = echarts.init(el, null, { renderer: "canvas" });
      instance.setOption(BUILD[chart.key](chart));
      el.dataset.drawn = "1";
      drawn.push(instance);
    });
    window.addEventListener("resize", function () {
      drawn.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
