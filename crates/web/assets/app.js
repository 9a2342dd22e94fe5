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

// Chart tooltips are HTML: every name that comes from data (unit names, labels) goes through
// esc, so a unit called "<img onerror=…>" shows as text, not markup.
function esc(s) {
  return String(s === null || s === undefined ? "" : s).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}

// A chart box narrower than a desktop panel (phones): shorter axis labels.
function narrow(el) {
  return el.clientWidth < 480;
}

// Charts follow the window: a turned phone or a resized window redraws them to the new width.
window.addEventListener("resize", function () {
  if (typeof echarts === "undefined") return;
  document.querySelectorAll("[data-chart], [data-finding-chart], [data-risk-chart]").forEach(function (el) {
    var chart = echarts.getInstanceByDom(el);
    if (chart) chart.resize();
  });
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
      var label = narrow(el) ? 84 : 140;
      chart.setOption({
        grid: { left: label + 10, right: 40, top: 10, bottom: 30 },
        tooltip: { trigger: "item", formatter: function (p) { var t = rows[p.dataIndex].tally; return esc(rows[p.dataIndex].unit_name) + "<br>落实率 " + (t.rate === null ? "—" : t.rate + "%") + "<br>滞后 " + t.overdue + "，临期 " + t.due_soon; } },
        xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        yAxis: { type: "category", data: rows.map(function (r) { return r.unit_name; }), axisLabel: { width: label, overflow: "truncate" } },
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
        tooltip: { trigger: "axis", formatter: function (ps) { var r = rows[ps[0].dataIndex]; return esc(r.label) + "<br>落实率 " + (r.tally.rate === null ? "—" : r.tally.rate + "%"); } },
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

// Rectification dashboard (问题整改统计): every [data-finding-chart] element draws from the JSON of
// /api/v1/findings/stats at data-src; a click on a bar or slice opens the matching 问题清单.
document.addEventListener("DOMContentLoaded", function () {
  var boxes = document.querySelectorAll("[data-finding-chart]");
  if (!boxes.length || typeof echarts === "undefined") return;
  var cache = {};
  function load(url) {
    if (!cache[url]) cache[url] = fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); });
    return cache[url];
  }
  function listUrl(src, key, value) {
    var q = new URLSearchParams(src.split("?")[1] || "");
    if (key === "unit") { q.set("include_sub", "false"); }
    q.set(key, value);
    return "/findings?" + q.toString();
  }
  function bars(el, src, rows, name, key, value) {
    rows = rows.slice().reverse();
    var chart = echarts.init(el);
    var label = narrow(el) ? 90 : 160;
    chart.setOption({
      grid: { left: label + 10, right: 30, top: 30, bottom: 24 },
      legend: { data: ["已销号", "未销号"], top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (ps) {
        var r = rows[ps[0].dataIndex], t = r.tally;
        return esc(name(r)) + "<br>问题 " + t.total + "，已销号 " + t.signed_off + "<br>整改率 " + (t.rate === null ? "—" : t.rate + "%") + "，逾期措施 " + t.overdue_measures;
      } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: rows.map(name), axisLabel: { width: label, overflow: "truncate" } },
      series: [
        { name: "已销号", type: "bar", stack: "n", itemStyle: { color: "#15803d" }, data: rows.map(function (r) { return r.tally.signed_off; }) },
        { name: "未销号", type: "bar", stack: "n", itemStyle: { color: "#d97706" }, data: rows.map(function (r) { return r.tally.total - r.tally.signed_off; }) }
      ]
    });
    el.style.height = Math.max(160, rows.length * 26 + 70) + "px";
    chart.resize();
    chart.on("click", function (p) { var r = rows[p.dataIndex]; window.location.href = listUrl(src, key, value(r)); });
  }
  var draw = {
    categories: function (el, src, d) {
      bars(el, src, d.by_category || [], function (r) { return r.label.split("：").pop(); }, "category", function (r) { return r.key; });
    },
    units: function (el, src, d) {
      bars(el, src, d.by_unit || [], function (r) { return r.unit_name; }, "unit", function (r) { return r.unit_id; });
    },
    sources: function (el, src, d) {
      var rows = d.by_source || [];
      var chart = echarts.init(el);
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) { return esc(p.name) + "：" + p.value + " 个（" + p.percent + "%）"; } },
        series: [{ type: "pie", radius: ["35%", "65%"], label: { formatter: "{b} {c}" },
                   data: rows.map(function (r) { return { name: r.label, value: r.tally.total }; }) }]
      });
      chart.on("click", function (p) { var r = rows[p.dataIndex]; window.location.href = listUrl(src, "source", r.key); });
    }
  };
  boxes.forEach(function (el) {
    var src = el.getAttribute("data-src");
    load(src).then(function (d) { var f = draw[el.getAttribute("data-finding-chart")]; if (f) f(el, src, d); });
  });
});

// Risk heat map (廉政风险热力图): every [data-risk-chart] element draws units × levels or units ×
// categories from /api/v1/risk-points/heat-map at data-src; data-keys lists "key:label" columns.
// A click on a cell opens the register narrowed to that unit and level or category.
document.addEventListener("DOMContentLoaded", function () {
  var boxes = document.querySelectorAll("[data-risk-chart]");
  if (!boxes.length || typeof echarts === "undefined") return;
  var loaded = {};
  boxes.forEach(function (el) {
    var src = el.getAttribute("data-src"), kind = el.getAttribute("data-risk-chart");
    if (!loaded[src]) loaded[src] = fetch(src, { credentials: "same-origin" }).then(function (r) { return r.json(); });
    loaded[src].then(function (d) {
      var cols = el.getAttribute("data-keys").split(",").map(function (p) { var i = p.indexOf(":"); return [p.slice(0, i), p.slice(i + 1)]; });
      var units = (d.units || []).slice().reverse();
      var cells = kind === "level" ? d.by_level : d.by_category;
      var data = [], max = 1;
      units.forEach(function (u, y) {
        cols.forEach(function (c, x) {
          var hit = (cells || []).filter(function (k) { return k.unit_id === u.id && k.key === c[0]; })[0];
          var n = hit ? hit.count : 0;
          if (n > max) max = n;
          data.push([x, y, n]);
        });
      });
      var label = narrow(el) ? 84 : 140;
      el.style.height = Math.max(180, units.length * 34 + 90) + "px";
      var chart = echarts.init(el);
      chart.setOption({
        grid: { left: label + 10, right: 20, top: 10, bottom: 60 },
        tooltip: { formatter: function (p) { return esc(units[p.value[1]].name) + "<br>" + esc(cols[p.value[0]][1]) + "：" + p.value[2] + " 个"; } },
        xAxis: { type: "category", data: cols.map(function (c) { return c[1]; }), splitArea: { show: true }, axisLabel: { interval: 0, rotate: cols.length > 3 ? 20 : 0 } },
        yAxis: { type: "category", data: units.map(function (u) { return u.name; }), splitArea: { show: true }, axisLabel: { width: label, overflow: "truncate" } },
        visualMap: { min: 0, max: max, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 80, inRange: { color: ["#f8fafc", "#fde68a", "#f97316", "#b91c1c"] } },
        series: [{ type: "heatmap", data: data, label: { show: true, formatter: function (p) { return p.value[2] || ""; } } }]
      });
      chart.on("click", function (p) {
        var u = units[p.value[1]], c = cols[p.value[0]];
        window.location.href = "/risk?year=" + encodeURIComponent(d.year) + "&unit=" + u.id + "&include_sub=false&state=accepted&" + kind + "=" + encodeURIComponent(c[0]);
      });
    });
  });
});

// A select with data-unit-options=FIELD offers only the options whose data-unit is the unit chosen
// in the form's select FIELD (the finding form's 廉政风险点 follow its 责任单位).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[data-unit-options]").forEach(function (sel) {
    var unit = sel.form && sel.form.elements[sel.getAttribute("data-unit-options")];
    if (!unit) return;
    function follow() {
      Array.prototype.forEach.call(sel.options, function (o) {
        var u = o.getAttribute("data-unit");
        o.hidden = u !== null && u !== unit.value;
        if (o.hidden && o.selected) sel.value = "";
      });
    }
    unit.addEventListener("change", follow);
    follow();
  });
});

// [data-print] prints the page; [data-check-all=NAME] ticks or clears every checkbox NAME.
document.addEventListener("click", function (e) {
  var t = e.target;
  if (t.closest && t.closest("[data-print]")) { window.print(); return; }
  var all = t.getAttribute && t.getAttribute("data-check-all");
  if (all) {
    document.querySelectorAll('input[type=checkbox][name="' + all + '"]').forEach(function (c) { c.checked = t.checked; });
  }
});

// The side menu on narrow screens: hidden behind the 菜单 button in the top bar.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector(".menu-toggle");
  if (!button) return;
  button.addEventListener("click", function () {
    var open = document.body.classList.toggle("menu-open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && document.body.classList.contains("menu-open")) {
      document.body.classList.remove("menu-open");
      button.setAttribute("aria-expanded", "false");
    }
  });
});

// Multi-select without "按住 Ctrl": every <select multiple> becomes a list of checkboxes with a
// filter box. The select stays in the form (hidden) and the checkboxes set its options, so what
// is submitted, and the page without script, are unchanged. Labels are set as text, never markup.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select[multiple]").forEach(function (select, n) {
    var box = document.createElement("div");
    box.className = "pick";
    var head = document.createElement("div");
    head.className = "pick-head";
    var filter = document.createElement("input");
    filter.type = "search";
    filter.placeholder = "筛选";
    filter.setAttribute("aria-label", "筛选" + (select.getAttribute("aria-label") || ""));
    var count = document.createElement("span");
    count.className = "pick-count";
    head.appendChild(filter);
    head.appendChild(count);
    var list = document.createElement("div");
    list.className = "pick-list";
    list.setAttribute("role", "group");
    if (select.getAttribute("aria-label")) list.setAttribute("aria-label", select.getAttribute("aria-label"));
    function recount() {
      var k = 0;
      for (var i = 0; i < select.options.length; i++) if (select.options[i].selected) k++;
      count.textContent = "已选 " + k + " 项";
    }
    Array.prototype.forEach.call(select.options, function (opt, i) {
      var label = document.createElement("label");
      var cb = document.createElement("input");
      cb.type = "checkbox";
      cb.id = "pick-" + n + "-" + i;
      cb.checked = opt.selected;
      cb.disabled = opt.disabled;
      cb.addEventListener("change", function () {
        opt.selected = cb.checked;
        recount();
        select.dispatchEvent(new Event("change", { bubbles: true }));
      });
      opt.pickBox = cb;
      label.appendChild(cb);
      label.appendChild(document.createTextNode(" " + opt.textContent.trim()));
      label.setAttribute("data-text", opt.textContent.trim().toLowerCase());
      list.appendChild(label);
    });
    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLowerCase();
      list.querySelectorAll("label").forEach(function (l) {
        l.classList.toggle("hidden", q !== "" && l.getAttribute("data-text").indexOf(q) < 0);
      });
    });
    if (select.options.length <= 8) head.removeChild(filter);
    box.appendChild(head);
    box.appendChild(list);
    select.classList.add("enhanced");
    select.parentNode.insertBefore(box, select.nextSibling);
    recount();
  });
});

// Required fields say what is missing in the page's words ("请选择记录类型") instead of the
// browser's generic message: data-msg on the field.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-msg]").forEach(function (el) {
    el.addEventListener("invalid", function () { el.setCustomValidity(el.getAttribute("data-msg")); });
    var clear = function () { el.setCustomValidity(""); };
    el.addEventListener("input", clear);
    el.addEventListener("change", clear);
  });
});

// A field that belongs to one kind of record ([data-for-kind=KEY] around it, e.g. the 会议类型
// of a 会议研究 entry): shown, enabled and required (unless [data-optional]) only while the
// form's kind says KEY.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-for-kind]").forEach(function (box) {
    var kind = box.closest("form") && box.closest("form").querySelector('select[name="kind"]');
    var field = box.querySelector("select, input");
    if (!kind || !field) return;
    function sync() {
      var on = kind.value === box.getAttribute("data-for-kind");
      box.hidden = !on;
      field.disabled = !on;
      field.required = on && !box.hasAttribute("data-optional");
    }
    kind.addEventListener("change", sync);
    sync();
  });
});

// 全体 buttons ([data-select-unit=ID]): select every person of that unit offered in the
// participant list (options carry data-unit); the server checks each one's scope again.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".unit-all").forEach(function (box) { box.hidden = false; });
});
document.addEventListener("click", function (e) {
  var b = e.target.closest && e.target.closest("[data-select-unit]");
  if (!b) return;
  var select = b.closest("label, form").querySelector('select[name="participants"]');
  if (!select) return;
  Array.prototype.forEach.call(select.options, function (opt) {
    if (opt.getAttribute("data-unit") !== b.getAttribute("data-select-unit")) return;
    if (opt.pickBox) {
      opt.pickBox.checked = true;
      opt.pickBox.dispatchEvent(new Event("change"));
    } else {
      opt.selected = true;
    }
  });
});

// A suggested talk topic ([data-add-topic] on the talk form): adds its text to the form's 谈话主题.
document.addEventListener("click", function (e) {
  var b = e.target.closest && e.target.closest("[data-add-topic]");
  if (!b) return;
  var form = b.closest("form");
  var field = form && form.elements["topics"];
  if (!field) return;
  var topic = b.getAttribute("data-add-topic");
  if (field.value.indexOf(topic) >= 0) return;
  field.value = field.value.trim() ? field.value.trim() + "；" + topic : topic;
  b.disabled = true;
  b.textContent = "已加入";
});

// A background export that has finished (templates/exports/job.html): its file downloads by
// itself, once; the link stays for another try.
document.addEventListener("htmx:afterSwap", function () {
  document.querySelectorAll("[data-download]").forEach(function (el) {
    var url = el.getAttribute("data-download");
    el.removeAttribute("data-download");
    window.location.href = url;
  });
});

// A long import (partials/import_page.html): while an upload is checked or a confirmation
// written, the page asks every second how far it has got and shows it above the result.
var importTimer = null;
function stopImportProgress() {
  if (importTimer) clearInterval(importTimer);
  importTimer = null;
  var box = document.getElementById("import-progress");
  if (box) box.innerHTML = "";
}
document.addEventListener("htmx:beforeRequest", function (e) {
  var form = e.detail.elt;
  if (!form || !form.getAttribute || !form.getAttribute("data-import-progress")) return;
  var box = document.getElementById(form.getAttribute("data-import-progress"));
  if (!box) return;
  stopImportProgress();
  importTimer = setInterval(function () {
    fetch("/imports/progress", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (importTimer) box.innerHTML = html.trim(); });
  }, 1000);
  form.addEventListener("htmx:afterRequest", stopImportProgress, { once: true });
});
document.addEventListener("htmx:afterSwap", function (e) {
  if (e.target && e.target.id === "import-result") stopImportProgress();
});
document.addEventListener("htmx:responseError", stopImportProgress);
