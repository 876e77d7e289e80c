/* Seasonal peaks (R9.4): the year's expected requests per week from the page's JSON, drawn with ECharts. */
(function () {
  "use strict";
  var FONT = '"WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';

  function draw() {
    var source = document.getElementById("seasonal-year-data");
    var el = document.getElementById("seasonal-year");
    if (!source || !el || typeof echarts === "undefined") { return; }
    var chart = JSON.parse(source.textContent);
    var instance = echarts.init(el, null, { renderer: "canvas" });
    instance.setOption({
      textStyle: { fontFamily: FONT },
      title: { text: chart.title, left: 0, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", confine: true },
      legend: { type: "scroll", top: 24 },
      grid: { left: 8, right: 16, top: 64, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: chart.categories, name: chart.xname, nameLocation: "middle",
               nameGap: 44, axisLabel: { rotate: 45 } },
      yAxis: { type: "value", name: chart.yname },
      series: chart.series.map(function (s, i) {
        var line = { name: s.name, type: "line", data: s.data, smooth: false, showSymbol: false };
        if (i === 0) {
          line.markLine = { symbol: "none", label: { formatter: chart.current_label },
                            data: [{ xAxis: chart.categories[chart.current] }] };
        }
        return line;
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
