/* phaen budget charts: draws each <div class="chart" data-chart="ID"> from the JSON in
   <script type="application/json" id="ID"> (written by Django's json_script, never executed)
   with the vendored Apache ECharts, in Thai and the Sarabun font. The tables next to each chart
   carry the same figures, so the page reads fine without this file. */
(function () {
  "use strict";

  if (!window.echarts) {
    return;
  }
  var echarts = window.echarts;
  var FONT = '"Sarabun", "Tahoma", "Leelawadee UI", sans-serif';
  var TEXT = "#1c2430";
  var MUTED = "#5b6675";
  var LINE = "#d5dbe3";
  // Planned, used, disbursed, then the cabinet's target (the stylesheet's colours).
  var COLOURS = ["#9bb3d3", "#b8860b", "#1d3f6e", "#a32020", "#1e7b3a", "#5b6675"];

  // Figures arrive as decimal strings (money is never a float on the server); the chart only
  // needs them to place the bars.
  function toNumber(value) {
    return value === null || value === undefined || value === "" ? null : Number(value);
  }

  function percentText(value) {
    return value === null || value === undefined ? "–" : value + "%";
  }

  function baseOption(data) {
    return {
      color: COLOURS,
      textStyle: { fontFamily: FONT, color: TEXT, fontSize: 13 },
      aria: { enabled: true, label: { description: data.description || "" } },
      animation: false,
      tooltip: {
        trigger: "axis",
        renderMode: "richText", // drawn on the canvas: no HTML, nothing for the CSP to refuse
        confine: true,
        textStyle: { fontFamily: FONT, fontSize: 13 },
        axisPointer: { type: "shadow" }
      },
      legend: {
        bottom: 0,
        left: "center",
        itemGap: 12,
        textStyle: { fontFamily: FONT, fontSize: 13 }
      }
    };
  }

  // Planned, used and disbursed to the end of each quarter (% of the budget after transfers)
  // as bars, and the cabinet's cumulative target as a line.
  function quartersOption(data, narrow) {
    var option = baseOption(data);
    option.grid = { left: 8, right: 12, top: 32, bottom: narrow ? 104 : 56, containLabel: true };
    if (narrow) {
      option.legend.textStyle.fontSize = 12;
      option.legend.itemGap = 8;
    }
    option.tooltip.formatter = function (items) {
      if (!items.length) {
        return "";
      }
      var index = items[0].dataIndex;
      var lines = [data.categories[index].replace("\n", " ")];
      data.series.forEach(function (series) {
        var value = series.values[index];
        if (value === null) {
          return;
        }
        var line = series.name + ": " + percentText(value);
        if (series.amounts && series.amounts[index]) {
          line += " (" + series.amounts[index] + " " + data.currency + ")";
        }
        lines.push(line);
      });
      return lines.join("\n");
    };
    option.xAxis = {
      type: "category",
      data: data.categories,
      axisLabel: {
        fontFamily: FONT,
        color: TEXT,
        fontSize: narrow ? 11 : 13,
        lineHeight: narrow ? 16 : 19,
        interval: 0
      },
      axisLine: { lineStyle: { color: LINE } }
    };
    option.yAxis = {
      type: "value",
      min: 0,
      max: function (extent) {
        return Math.max(100, Math.ceil(extent.max / 10) * 10);
      },
      name: data.axis_label,
      nameTextStyle: { fontFamily: FONT, color: MUTED, align: "left" },
      axisLabel: { fontFamily: FONT, color: MUTED, formatter: "{value}%" },
      splitLine: { lineStyle: { color: "#eef2f7" } }
    };
    option.series = data.series.map(function (series) {
      var line = series.type === "line";
      return {
        name: series.name,
        type: line ? "line" : "bar",
        data: series.values.map(toNumber),
        barMaxWidth: 28,
        connectNulls: false,
        symbol: line ? "diamond" : undefined,
        symbolSize: line ? 11 : undefined,
        lineStyle: line ? { width: 2, type: "dashed" } : undefined,
        label: line
          ? {
              show: true,
              position: "top",
              fontFamily: FONT,
              fontSize: 12,
              color: COLOURS[3],
              formatter: function (point) {
                var text = series.values[point.dataIndex];
                return text === null ? "" : text + "%";
              }
            }
          : undefined,
        z: line ? 3 : 2
      };
    });
    return option;
  }

  // The share of a unit's budget by strategic issue: one horizontal bar per row.
  function sharesOption(data, narrow) {
    var option = baseOption(data);
    option.legend = { show: false };
    option.grid = { left: 8, right: 48, top: 8, bottom: 8, containLabel: true };
    option.tooltip.trigger = "item";
    var rows = data.rows.slice().reverse(); // the first row on top
    option.yAxis = {
      type: "category",
      data: rows.map(function (row) {
        return row.label;
      }),
      axisLabel: {
        fontFamily: FONT,
        color: TEXT,
        fontSize: narrow ? 11 : 13,
        width: narrow ? 110 : 260,
        overflow: "truncate"
      },
      axisLine: { lineStyle: { color: LINE } }
    };
    option.xAxis = {
      type: "value",
      min: 0,
      max: function (extent) {
        return Math.min(100, Math.ceil(extent.max / 10) * 10 + 10);
      },
      axisLabel: { fontFamily: FONT, color: MUTED, formatter: "{value}%" },
      splitLine: { lineStyle: { color: "#eef2f7" } }
    };
    option.tooltip.formatter = function (point) {
      var row = rows[point.dataIndex];
      return row.full + "\n" + percentText(row.share) + " (" + row.amount + " " + data.currency + ")";
    };
    option.series = [
      {
        type: "bar",
        data: rows.map(function (row) {
          return toNumber(row.share);
        }),
        barMaxWidth: 22,
        itemStyle: { color: COLOURS[2] },
        label: {
          show: true,
          position: "right",
          fontFamily: FONT,
          fontSize: 12,
          formatter: function (point) {
            var text = rows[point.dataIndex].share;
            return text === null ? "" : text + "%";
          }
        }
      }
    ];
    return option;
  }

  var BUILDERS = { quarters: quartersOption, shares: sharesOption };

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var build = BUILDERS[data.kind];
    if (!build) {
      return;
    }
    var narrow = element.clientWidth < 520;
    var chart = echarts.init(element, null, { renderer: "canvas", locale: "TH" });
    chart.setOption(build(data, narrow));
    element.classList.add("chart-drawn");
    if (window.ResizeObserver) {
      new window.ResizeObserver(function () {
        var nowNarrow = element.clientWidth < 520;
        if (nowNarrow !== narrow) {
          narrow = nowNarrow;
          chart.setOption(build(data, narrow), true);
        }
        chart.resize();
      }).observe(element);
    }
  }

  function drawAll() {
    document.querySelectorAll(".chart[data-chart]").forEach(draw);
  }

  // The canvas only uses fonts that are already loaded: wait for Sarabun's Thai glyphs first.
  if (document.fonts && document.fonts.load) {
    Promise.all([
      document.fonts.load('400 13px "Sarabun"', "ก"),
      document.fonts.load('400 13px "Sarabun"', "A")
    ])
      .catch(function () {
        return null;
      })
      .then(drawAll);
  } else {
    drawAll();
  }
})();
