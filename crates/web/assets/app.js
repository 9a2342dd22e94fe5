// 清风: small behaviours that need script. No inline handlers: the CSP forbids them.
document.addEventListener("htmx:responseError", function (e) {
  var box = document.getElementById("flash");
  if (!box) {
    box = document.createElement("div");
    box.id = "flash";
    box.className = "alert error";
    var main = document.querySelector("main") || document.body;
    main.insertBefore(box, main.firstChild);
  }
  var msg = "操作失败";
  try { msg = JSON.parse(e.detail.xhr.responseText).error.message || msg; } catch (_) {}
  box.textContent = msg;
});

// Dashboard charts: every [data-chart] element draws from the JSON at data-src (one fetch per URL).
document.addEventListener("DOMContentLoaded", function () {
  var boxes = document.querySelectorAll("[data-chart]");
  if (!boxes.length || typeof echarts === "undefined") return;
  var cache = {};
  function load(url) {
    if (!cache[url]) cache[url] = fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); });
    return cache[url];
  }
  function color(rate) {
    if (rate === null || rate === undefined) return "#a7b0ba";
    if (rate >= 90) return "#15803d";
    if (rate >= 70) return "#d97706";
    return "#b91c1c";
  }
  var draw = {
    units: function (el, d) {
      var rows = (d.by_unit || []).slice().reverse();
      var chart = echarts.init(el);
      chart.setOption({
        grid: { left: 150, right: 40, top: 10, bottom: 30 },
        tooltip: { trigger: "item", formatter: function (p) { var t = rows[p.dataIndex].tally; return p.name + "<br>落实率 " + (t.rate === null ? "—" : t.rate + "%") + "<br>滞后 " + t.overdue + "，临期 " + t.due_soon; } },
        xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        yAxis: { type: "category", data: rows.map(function (r) { return r.unit_name; }), axisLabel: { width: 140, overflow: "truncate" } },
        series: [{ type: "bar", data: rows.map(function (r) { return { value: r.tally.rate === null ? 0 : r.tally.rate, itemStyle: { color: color(r.tally.rate) } }; }), label: { show: true, position: "right", formatter: "{c}%" } }]
      });
      el.style.height = Math.max(160, rows.length * 28 + 50) + "px";
      chart.resize();
      chart.on("click", function (p) { var r = rows[p.dataIndex]; window.location.href = "/dashboard?year=" + d.year + "&unit=" + r.unit_id; });
    },
    levels: function (el, d) {
      var rows = d.by_level || [];
      var chart = echarts.init(el);
      chart.setOption({
        grid: { left: 50, right: 20, top: 30, bottom: 30 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: rows.map(function (r) { return r.label; }) },
        yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        series: [{ type: "bar", barWidth: "40%", data: rows.map(function (r) { return { value: r.tally.rate === null ? 0 : r.tally.rate, itemStyle: { color: color(r.tally.rate) } }; }), label: { show: true, position: "top", formatter: "{c}%" } },
                 { type: "line", data: rows.map(function (r) { return r.tally.rate; }), lineStyle: { type: "dashed", color: "#6b7785" }, symbol: "circle" }]
      });
    }
  };
  boxes.forEach(function (el) {
    load(el.getAttribute("data-src")).then(function (d) { var f = draw[el.getAttribute("data-chart")]; if (f) f(el, d); });
  });
});
