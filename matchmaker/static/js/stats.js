// Draw every statistics table on the page with ECharts: the first column is the category,
// every further column one series (bar, stacked bar or line); a funnel uses one value column.
document.querySelectorAll(".stats-chart").forEach(function (el) {
  var name = el.id.replace("chart-", "");
  var data = JSON.parse(document.getElementById("data-" + name).textContent);
  var kind = el.dataset.kind;
  var categories = data.rows.map(function (r) { return r[0]; });
  var option;
  if (kind === "funnel") {
    option = {
      tooltip: { trigger: "item" },
      series: [{ type: "funnel", sort: "none", label: { formatter: "{b}：{c}" },
        data: data.rows.map(function (r) { return { name: r[0], value: r[1] }; }) }]
    };
  } else {
    option = {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 20, bottom: 60, top: 40, containLabel: true },
      xAxis: { type: "category", data: categories, axisLabel: { rotate: categories.length > 6 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: data.header.slice(1).map(function (label, i) {
        return { name: label, type: kind === "line" ? "line" : "bar", stack: kind === "stacked" ? "all" : undefined,
          data: data.rows.map(function (r) { return r[i + 1]; }) };
      })
    };
  }
  echarts.init(el).setOption(option);
});
