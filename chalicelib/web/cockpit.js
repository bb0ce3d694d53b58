/* Yueyou cockpit (数字驾驶舱): where planned visitors will be, hour by hour.
 * Reads /v1/insights/crowds with the operator key typed into the form (kept in
 * sessionStorage for the tab only). Charts: Apache ECharts; map: Leaflet. */
(function () {
  "use strict";
  var CONFIG = JSON.parse(document.getElementById("config").textContent);
  var TEXT = {
    zh: {
      title: "数字驾驶舱", key: "运营密钥（operator）", date: "日期", load: "查看", plans: "当日行程数",
      busy_cells: "人多的地点·时段", matches: "赛事场次", map: "热力地图", heat: "各地点逐小时人数",
      top: "热门景点", per_day: "未来七天每日行程数", time: "时间", event: "场次", estimate: "预计观众",
      map_note: "圆越大越红，预计人数越多；少于阈值的人数不显示。", loading: "加载中…",
      loaded: "已更新：{d}", denied: "密钥无效或没有 operator 权限", failed: "加载失败：{e}",
      hidden: "人数少于 {n}（不显示）", people: "人", switch: "English", none: "当天没有赛事"
    },
    en: {
      title: "City cockpit", key: "Operator key", date: "Date", load: "Show", plans: "plans that day",
      busy_cells: "busy place-hours", matches: "Matches", map: "Heat map", heat: "People per place and hour",
      top: "Top sights", per_day: "Plans per day, next 7 days", time: "Time", event: "Session",
      estimate: "Expected spectators", map_note: "Bigger and redder: more people expected; counts under the threshold are not shown.",
      loading: "Loading…", loaded: "Updated: {d}", denied: "The key is invalid or lacks the operator scope",
      failed: "Could not load: {e}", hidden: "fewer than {n} (not shown)", people: "people", switch: "中文",
      none: "No matches that day"
    }
  };
  var lang = localStorage.getItem("yueyou.lang") || (navigator.language || "zh").slice(0, 2);
  if (!TEXT[lang]) lang = "zh";
  function t(key, vars) {
    var s = TEXT[lang][key] || key;
    Object.keys(vars || {}).forEach(function (k) { s = s.replace("{" + k + "}", vars[k]); });
    return s;
  }
  function $(id) { return document.getElementById(id); }
  function applyText() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach(function (n) { n.textContent = t(n.getAttribute("data-i18n")); });
    $("lang").textContent = t("switch");
    $("lang").setAttribute("aria-label", lang === "zh" ? "Switch to English" : "切换到中文");
    document.title = lang === "zh" ? "越游 Yueyou · 数字驾驶舱" : "Yueyou · City cockpit";
  }

  /* --- map: graded circles (size and colour by expected people) --- */
  function ll(lon, lat) {
    var p = CONFIG.tile_crs === "gcj02" ? window.YueyouGeo.gcj02(lon, lat) : [lon, lat];
    return [p[1], p[0]];
  }
  var map = L.map("cockpit-map").setView([30.0, 120.58], 10);
  L.tileLayer(CONFIG.tile_url, { maxZoom: 18, attribution: CONFIG.tile_attribution }).addTo(map);
  map.attributionControl.setPrefix(false);
  var heatLayer = L.layerGroup().addTo(map);
  var COLOURS = ["#fee8c8", "#fdbb84", "#fc8d59", "#e34a33", "#b30000"];
  function colour(share) { return COLOURS[Math.min(COLOURS.length - 1, Math.floor(share * COLOURS.length))]; }

  var charts = {};
  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init($(id), null, { renderer: "canvas" });
    return charts[id];
  }
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });

  function get(path, key) {
    var sep = path.indexOf("?") < 0 ? "?" : "&";
    return fetch(path + sep + "lang=" + lang, { headers: { "x-api-key": key } }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) { var e = new Error(body.error ? body.error.message : r.status); e.status = r.status; throw e; }
        return body;
      });
    });
  }
  function peak(poi) {
    return poi.hours.reduce(function (m, h) { return Math.max(m, h.planned || 0, h.match_estimate || 0); }, 0);
  }

  function render(view) {
    $("plans").textContent = view.plans === null ? "<" + view.suppressed_below : view.plans;
    var busy = 0;
    view.pois.forEach(function (p) { p.hours.forEach(function (h) { if (h.level === "busy") busy += 1; }); });
    $("busy").textContent = busy;
    $("matches-count").textContent = view.matches.length;

    heatLayer.clearLayers();
    var most = Math.max.apply(null, [1].concat(view.pois.map(peak)));
    view.pois.forEach(function (p) {
      if (p.lon === null) return;
      var n = peak(p);
      if (!n) return;
      L.circleMarker(ll(p.lon, p.lat), {
        radius: 6 + 24 * Math.sqrt(n / most), color: "#7f0000", weight: 1,
        fillColor: colour(n / most), fillOpacity: 0.75
      }).bindTooltip(p.name + " · " + n + " " + t("people")).addTo(heatLayer);
    });

    var names = view.pois.map(function (p) { return p.name; });
    var hours = [];
    for (var h = 7; h < 22; h++) hours.push((h < 10 ? "0" : "") + h + ":00");
    var cells = [];
    view.pois.forEach(function (p, y) {
      p.hours.forEach(function (c) {
        if (c.hour < 7 || c.hour > 21) return;
        var value = Math.max(c.planned || 0, c.match_estimate || 0);
        cells.push([c.hour - 7, y, c.suppressed && !c.match_estimate ? "-" : value]);
      });
    });
    // The colour scale follows the planned counts: a match's thousands of
    // spectators would otherwise wash every sight out; they show at the top colour.
    var planned = [1];
    view.pois.forEach(function (p) { p.hours.forEach(function (c) { if (c.planned) planned.push(c.planned); }); });
    var maxCell = Math.max.apply(null, planned);
    chart("heat").setOption({
      animation: false,
      tooltip: {
        formatter: function (p) {
          var v = p.value[2] === "-" ? t("hidden", { n: view.suppressed_below }) : p.value[2] + " " + t("people");
          return names[p.value[1]] + " · " + hours[p.value[0]] + "<br>" + v;
        }
      },
      grid: { left: 160, right: 20, top: 10, bottom: 70 },
      xAxis: { type: "category", data: hours, splitArea: { show: true } },
      yAxis: { type: "category", data: names, splitArea: { show: true } },
      visualMap: { min: 0, max: maxCell, calculable: true, orient: "horizontal", left: "center", bottom: 0,
        inRange: { color: COLOURS } },
      series: [{ type: "heatmap", data: cells, label: { show: false } }]
    }, true);

    var top = view.top.slice().reverse();
    chart("top").setOption({
      animation: false,
      grid: { left: 160, right: 20, top: 10, bottom: 30 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: top.map(function (p) { return p.name; }) },
      series: [{ type: "bar", data: top.map(function (p) { return p.planned_shown; }), itemStyle: { color: "#12355b" } }]
    }, true);

    var body = $("match-table").querySelector("tbody");
    body.textContent = "";
    if (!view.matches.length) {
      var row = document.createElement("tr"), cell = document.createElement("td");
      cell.colSpan = 3; cell.textContent = t("none"); row.appendChild(cell); body.appendChild(row);
    }
    view.matches.forEach(function (m) {
      var tr = document.createElement("tr");
      [m.start.slice(11, 16) + "–" + m.end.slice(11, 16), m.title, m.estimate === null ? "–" : String(m.estimate)]
        .forEach(function (text) { var td = document.createElement("td"); td.textContent = text; tr.appendChild(td); });
      body.appendChild(tr);
    });
  }

  function renderDays(days) {
    chart("days").setOption({
      animation: false,
      grid: { left: 50, right: 20, top: 10, bottom: 30 },
      xAxis: { type: "category", data: days.map(function (d) { return d.date.slice(5); }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: days.map(function (d) { return d.plans === null ? 0 : d.plans; }), itemStyle: { color: "#c25400" } }]
    }, true);
  }

  function addDays(iso, n) {
    var d = new Date(iso + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  function load(event) {
    if (event) event.preventDefault();
    var key = $("key").value.trim(), day = $("date").value;
    sessionStorage.setItem("yueyou.operatorKey", key);
    $("status").textContent = t("loading");
    get("v1/insights/crowds?date=" + day, key).then(function (view) {
      render(view);
      var week = [];
      for (var i = 0; i < 7; i++) week.push(addDays(day, i));
      return Promise.all(week.map(function (d) { return get("v1/insights/crowds?date=" + d, key); })).then(function (views) {
        renderDays(views);
        $("status").textContent = t("loaded", { d: day });
        document.body.setAttribute("data-loaded", day);
      });
    }).catch(function (e) {
      $("status").textContent = e.status === 403 || e.status === 401 ? t("denied") : t("failed", { e: e.message });
    });
  }

  $("controls").addEventListener("submit", load);
  $("lang").addEventListener("click", function () {
    lang = lang === "zh" ? "en" : "zh";
    localStorage.setItem("yueyou.lang", lang);
    applyText();
    if ($("key").value && $("date").value) load();
  });
  $("date").value = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);  // today in Shanghai
  $("key").value = sessionStorage.getItem("yueyou.operatorKey") || "";
  applyText();
  window.yueyouCockpitReady = true;
})();
