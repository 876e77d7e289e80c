/* Hot topics (R9.1): the trend chart from the page's JSON (json_script), drawn with the local ECharts. */
(function () {
  "use strict";
  var FONT = '"WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';

  function draw() {
    var source = document.getElementById("hot-trend-data");
    var el = document.getElementById("hot-trend");
    if (!source || !el || typeof echarts === "undefined") { return; }
    var chart = JSON.parse(source.textContent);
    var instance = echarts.init(el, null, { renderer: "canvas" });
    instance.setOption({
      textStyle: { fontFamily: FONT },
      title: { text: chart.title, left: 0, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", confine: true },
      legend: { type: "scroll", top: 24 },
      grid: { left: 8, right: 16, top: 64, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: chart.categories, axisLabel: { rotate: 45 } },
      yAxis: { type: "value", minInterval: 1, name: chart.yname },
      series: chart.series.map(function (s) {
        return { name: s.name, type: "line", data: s.data, smooth: false };
      }),
      animation: false
    });
    el.dataset.drawn = "1";
    window.addEventListener("resize", function () { instance.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
