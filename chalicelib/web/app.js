/* 越游 Yueyou tourist app: the Asian Games Shaoxing map, trip planning and
 * the saved trip, on one phone. Plain JavaScript on Leaflet (vendored from
 * npm); every request goes to this service's own API (relative URLs). */
(function () {
  "use strict";

  var CONFIG = JSON.parse(document.getElementById("config").textContent);
  var TEXT = {
    zh: {
      title: "亚运绍兴地图", tab_map: "地图", tab_plan: "规划行程", tab_trip: "我的行程",
      search: "搜索", district: "区县", categories: "类别", all_districts: "全部区县",
      shown: "显示 {n} 个地点", start_date: "出发日期", days: "天数", mode: "交通", pace: "节奏",
      route: "沿线路", no_route: "不沿线路", lodging: "住宿", default_lodging: "默认（古城酒店）",
      budget: "门票预算（元）", meals: "安排午餐和晚餐", want_sports: "加入赛事场次",
      want_events: "加入节庆、典礼和演出", make_plan: "生成行程", planning: "正在规划行程，请稍候…",
      planned: "行程已生成：{n} 天", failed: "无法生成行程：", no_trip: "还没有行程：先去“规划行程”。",
      api_docs: "API 文档（旅行社开发者）", offline: "离线：显示已保存的行程", hours: "开放时间",
      ticket: "门票", free: "免费", unknown: "未知", sources: "来源", sessions: "近期场次",
      no_sessions: "近期没有场次", access: "无障碍", booking: "预约", day: "第 {n} 天",
      unscheduled: "未安排", notes: "提示", review: "导游审阅", share: "分享链接", card: "打印行程卡（PDF）",
      ics: "加入日历（ICS）", gpx: "GPX 轨迹", stop_start: "出发", stop_end: "返回", stop_visit: "游览", busy: "人多的时段",
      stop_meal: "用餐", stop_event: "活动", yuan: "{n} 元", navigate: "导航到",
      plan_b: "雨天备选", instead_of: "{alt}代替{out}（{km} 公里）",
      access_needs: "出行需求", wheelchair: "轮椅：只去确认无台阶的地点", stroller: "婴儿车：无台阶或部分无障碍的地点",
      max_walk_m: "每段最多步行（米）", rest_every_min: "每游览多少分钟休息 10 分钟",
      arrive: "到达（车站/机场）", depart: "离开（车站/机场）", no_hub: "不指定",
      qr: "扫码在另一部手机上打开", interests: "兴趣（0 不去，1 最爱）", stay_here: "住这里", hours_today: "今天开放",
      closed_today: "今天不开放", on_dates: "行程日期内的赛事与活动（勾选即必去）", none_on_dates: "这些日期没有已公布时间的赛事或活动",
      remove: "移除", lock: "锁定", locked: "已锁定", add_place: "加入必去地点", add: "加入", window: "当天时间",
      apply: "应用", replanning: "正在重新规划…", replanned: "已更新：新增 {a}，移除 {r}，调整 {m}",
      changed_elsewhere: "这份行程已在别处被修改：已载入最新版本，请再试一次。",
      modes: { walk: "步行", bike: "骑行", transit: "公共交通", drive: "自驾", taxi: "出租车" },
      rail: "轨道交通",
      paces: { relaxed: "悠闲", normal: "适中", packed: "紧凑" },
      access_levels: { step_free: "无台阶", partial: "部分无障碍", no: "有台阶，轮椅不便", unknown: "未知" },
      booking_values: { "true": "需要提前预约", "false": "无需预约", "null": "未知" }
    },
    en: {
      title: "Asian Games Shaoxing map", tab_map: "Map", tab_plan: "Plan a trip", tab_trip: "My trip",
      search: "Search", district: "District", categories: "Categories", all_districts: "All districts",
      shown: "{n} places shown", start_date: "Start date", days: "Days", mode: "Getting around", pace: "Pace",
      route: "Follow a route", no_route: "No route", lodging: "Lodging", default_lodging: "Default (old-town hotel)",
      budget: "Ticket budget (CNY)", meals: "Plan lunch and dinner", want_sports: "Add matches",
      want_events: "Add festivals, ceremonies and shows", make_plan: "Make my plan", planning: "Planning your trip…",
      planned: "Your {n}-day plan is ready", failed: "Could not plan: ", no_trip: "No trip yet: make one under “Plan a trip”.",
      api_docs: "API reference (for agencies)", offline: "Offline: showing your saved trip", hours: "Opening hours",
      ticket: "Ticket", free: "free", unknown: "unknown", sources: "Sources", sessions: "Upcoming sessions",
      no_sessions: "No upcoming sessions", access: "Step-free access", booking: "Booking", day: "Day {n}",
      unscheduled: "Left out", notes: "Notes", review: "Guide review", share: "Share link", card: "Print route card (PDF)",
      ics: "Add to calendar (ICS)", gpx: "GPX track", stop_start: "Start", stop_end: "Back", stop_visit: "Visit", busy: "busy hour",
      stop_meal: "Meal", stop_event: "Event", yuan: "{n} CNY", navigate: "Navigate to",
      plan_b: "If it rains", instead_of: "{alt} instead of {out} ({km} km)",
      access_needs: "Access needs", wheelchair: "Wheelchair: only places confirmed step-free",
      stroller: "Stroller: step-free or partly step-free places", max_walk_m: "Longest walk per leg (m)",
      rest_every_min: "A 10-min rest for every … min of visiting",
      arrive: "Arrive at (station, airport)", depart: "Leave from (station, airport)", no_hub: "Not by train or plane",
      qr: "Scan to open on another phone", interests: "Interests (0 skip, 1 love)", stay_here: "Stay here",
      hours_today: "Open today", closed_today: "closed today", on_dates: "Matches and events on your dates (ticked = must attend)",
      none_on_dates: "No match or event with a published time on these dates",
      remove: "Remove", lock: "Lock", locked: "Locked", add_place: "Add a must-visit", add: "Add", window: "Day hours",
      apply: "Apply", replanning: "Replanning…", replanned: "Updated: {a} added, {r} removed, {m} moved",
      changed_elsewhere: "This plan was changed elsewhere: the latest version is loaded, please try again.",
      modes: { walk: "Walk", bike: "Bike", transit: "Public transport", drive: "Drive", taxi: "Taxi" },
      rail: "Rail",
      paces: { relaxed: "Relaxed", normal: "Normal", packed: "Packed" },
      access_levels: { step_free: "step-free", partial: "partly step-free", no: "steps, not wheelchair usable", unknown: "unknown" },
      booking_values: { "true": "book ahead", "false": "no booking needed", "null": "unknown" }
    }
  };
  var COLORS = { history: "#8c2d04", culture: "#6a3d9a", nature: "#1b7837", religion: "#b35806",
    shopping: "#c51b7d", food: "#d6604d", venue: "#2166ac", lodging: "#4d4d4d", hub: "#01665e" };
  var DAY_COLORS = ["#c0392b", "#2166ac", "#1b7837", "#6a3d9a", "#b35806", "#01665e", "#c51b7d"];

  var lang = localStorage.getItem("yueyou.lang") || (navigator.language || "zh").slice(0, 2);
  if (!TEXT[lang]) lang = "zh";
  var state = { pois: [], districts: {}, categories: {}, routes: [], layers: {}, plan: null };

  function t(key, n) {
    var s = TEXT[lang][key];
    return typeof s === "string" && n !== undefined ? s.replace("{n}", n) : s;
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function api(path, options) {
    var sep = path.indexOf("?") < 0 ? "?" : "&";
    return fetch(path + sep + "lang=" + lang, options).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error((body.error && body.error.message) || r.status);
        return body;
      });
    });
  }

  /* The same, with the response's status and ETag (plans are edited with If-Match). */
  function apiFull(path, options) {
    var sep = path.indexOf("?") < 0 ? "?" : "&";
    return fetch(path + sep + "lang=" + lang, options).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, etag: r.headers.get("ETag"), body: body }; });
    });
  }

  /* Datum conversions live in geo.js (shared with the cockpit). */
  var gcj02 = window.YueyouGeo.gcj02, bd09 = window.YueyouGeo.bd09;
  window.yueyouGcj02 = gcj02;
  window.yueyouBd09 = bd09;
  /* "Navigate" links for a WGS84 point: Amap and Apple Maps (in mainland China) take
   * GCJ-02, Baidu takes BD-09; each link says which datum it sends. */
  function navLinks(lon, lat, name) {
    var g = gcj02(lon, lat), b = bd09(g[0], g[1]), q = encodeURIComponent(name);
    function f(x) { return x.toFixed(6); }
    return [
      ["Amap 高德", "https://uri.amap.com/marker?position=" + f(g[0]) + "," + f(g[1]) + "&name=" + q + "&coordinate=gaode&callnative=1"],
      ["Baidu 百度", "https://api.map.baidu.com/marker?location=" + f(b[1]) + "," + f(b[0]) + "&title=" + q + "&content=" + q + "&output=html&coord_type=bd09ll&src=yueyou"],
      ["Apple", "https://maps.apple.com/?ll=" + f(g[1]) + "," + f(g[0]) + "&q=" + q]
    ];
  }
  window.yueyouNavLinks = navLinks;
  /* Our data is WGS84 [lon, lat]; Leaflet wants [lat, lon] in the tiles' datum. */
  function ll(lon, lat) {
    var p = CONFIG.tile_crs === "gcj02" ? gcj02(lon, lat) : [lon, lat];
    return [p[1], p[0]];
  }

  /* --- map --- */
  var map = L.map("map", { zoomControl: true }).setView([29.99, 120.58], 10);
  L.tileLayer(CONFIG.tile_url, { maxZoom: 18, attribution: "" }).addTo(map);
  map.attributionControl.setPrefix(false);
  document.getElementById("attribution").textContent = CONFIG.tile_attribution;
  var poiLayer = L.layerGroup().addTo(map);
  var routeLayer = L.layerGroup().addTo(map);
  var tripLayer = L.layerGroup().addTo(map);

  function loadAllPois(cursor, acc) {
    return api("v1/pois?limit=200" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "")).then(function (page) {
      acc = acc.concat(page.features);
      return page.next_cursor ? loadAllPois(page.next_cursor, acc) : acc;
    });
  }

  function renderFilters() {
    var district = document.getElementById("district");
    var chosen = district.value;
    district.innerHTML = "";
    district.appendChild(el("option", { value: "", text: t("all_districts") }));
    Object.keys(state.districts).sort().forEach(function (id) {
      district.appendChild(el("option", { value: id, text: state.districts[id] }));
    });
    district.value = chosen;
    var box = document.getElementById("categories");
    var checked = {};
    box.querySelectorAll("input").forEach(function (i) { checked[i.value] = i.checked; });
    box.querySelectorAll("label").forEach(function (n) { n.remove(); });
    Object.keys(state.categories).sort().forEach(function (cat) {
      var input = el("input", { type: "checkbox", value: cat });
      input.checked = checked[cat] !== undefined ? checked[cat] : cat !== "lodging" && cat !== "hub";
      var label = el("label", {}, [input, el("span", { "class": "swatch", style: "background:" + COLORS[cat] }),
        document.createTextNode(state.categories[cat])]);
      box.appendChild(label);
    });
  }

  function visiblePois() {
    var q = document.getElementById("search").value.trim().toLowerCase();
    var district = document.getElementById("district").value;
    var cats = {};
    document.querySelectorAll("#categories input").forEach(function (i) { cats[i.value] = i.checked; });
    return state.pois.filter(function (f) {
      var p = f.properties;
      if (!cats[p.category] || (district && p.district !== district)) return false;
      if (!q) return true;
      return (p.names.zh + " " + p.names.en + " " + p.tags.join(" ")).toLowerCase().indexOf(q) >= 0;
    });
  }

  function renderMarkers() {
    poiLayer.clearLayers();
    var shown = visiblePois();
    shown.forEach(function (f) {
      var c = f.geometry.coordinates, p = f.properties;
      var marker = L.circleMarker(ll(c[0], c[1]), {
        radius: p.category === "venue" ? 9 : 7, color: "#fff", weight: 2, fillColor: COLORS[p.category] || "#333", fillOpacity: 0.95
      });
      marker.bindTooltip(p.name + " · " + p.category_name);
      marker.on("click", function () { showDetails(f); });
      marker.addTo(poiLayer);
    });
    document.getElementById("count").textContent = t("shown", shown.length);
  }

  function showDetails(f) {
    var p = f.properties, box = document.getElementById("details");
    box.hidden = false;
    box.innerHTML = "";
    box.appendChild(el("h3", { text: p.name }));
    box.appendChild(el("p", { text: p.description }));
    var dl = el("dl");
    function row(k, v) { dl.appendChild(el("dt", { text: k })); dl.appendChild(el("dd", { text: v })); }
    row(t("categories"), p.category_name + " · " + p.district_name);
    if (p.hours_today) row(t("hours_today"), p.hours_today.length ? p.hours_today.join(", ") : t("closed_today"));
    if (p.opening_hours) row(t("hours"), p.opening_hours);
    if (p.ticket_cny !== undefined) row(t("ticket"), p.ticket_cny === null ? t("unknown") : p.ticket_cny === 0 ? t("free") : t("yuan", p.ticket_cny));
    row(t("access"), TEXT[lang].access_levels[p.accessibility.level] + (p.accessibility.note ? " — " + p.accessibility.note : ""));
    if (p.reservation) row(t("booking"), TEXT[lang].booking_values[String(p.reservation.required)] + (p.reservation.how ? " — " + p.reservation.how : ""));
    row(t("sources"), String(p.sources.length));
    box.appendChild(dl);
    if (p.category === "lodging" && p.coord_confidence !== "unknown") {
      var stay = el("button", { type: "button", "class": "edit", id: "stay-here", text: t("stay_here") });
      stay.addEventListener("click", function () {
        document.getElementById("lodging").value = p.id;
        showTab("plan");
        document.getElementById("lodging").focus();
      });
      box.appendChild(stay);
    }
    if (p.category === "venue") {
      var today = new Date().toISOString().slice(0, 10);
      var list = el("ul");
      box.appendChild(el("h4", { text: t("sessions") }));
      box.appendChild(list);
      api("v1/events?venue=" + encodeURIComponent(p.id) + "&from=" + today + "&limit=5").then(function (body) {
        if (!body.events.length) list.appendChild(el("li", { text: t("no_sessions") }));
        body.events.forEach(function (e) { list.appendChild(el("li", { text: e.start.slice(0, 16).replace("T", " ") + " " + e.title })); });
      });
    }
  }

  function loadRoutes() {
    return api("v1/routes").then(function (body) {
      state.routes = body.routes;
      fillSelect("route", [["", t("no_route")]].concat(body.routes.map(function (r) { return [r.id, r.name]; })));
      routeLayer.clearLayers();
      return Promise.all(body.routes.map(function (r) {
        return api("v1/routes/" + encodeURIComponent(r.id)).then(function (doc) {
          var line = doc.features[0];
          var tang = r.id === "tang-poetry-road";
          L.polyline(line.geometry.coordinates.map(function (c) { return ll(c[0], c[1]); }), {
            color: tang ? "#7b3294" : "#555", weight: tang ? 5 : 3, opacity: 0.8, dashArray: tang ? null : "6 6"
          }).bindTooltip(r.name).addTo(routeLayer);
        });
      }));
    });
  }

  function fillSelect(id, pairs, fallback) {
    var select = document.getElementById(id), value = select.value || fallback;
    select.innerHTML = "";
    pairs.forEach(function (p) { select.appendChild(el("option", { value: p[0], text: p[1] })); });
    if (value) select.value = value;
  }

  function loadCatalog() {
    return loadAllPois(null, []).then(function (features) {
      state.pois = features;
      state.districts = {};
      state.categories = {};
      features.forEach(function (f) {
        state.districts[f.properties.district] = f.properties.district_name;
        state.categories[f.properties.category] = f.properties.category_name;
      });
      renderFilters();
      renderMarkers();
      renderInterests();
      var hotels = features.filter(function (f) { return f.properties.category === "lodging" && f.properties.coord_confidence !== "unknown"; });
      fillSelect("lodging", [["", t("default_lodging")]].concat(hotels.map(function (f) { return [f.properties.id, f.properties.name]; })));
      var hubs = features.filter(function (f) { return f.properties.category === "hub"; })
        .map(function (f) { return [f.properties.id, f.properties.name]; });
      fillSelect("arrive_hub", [["", t("no_hub")]].concat(hubs));
      fillSelect("depart_hub", [["", t("no_hub")]].concat(hubs));
    });
  }

  /* --- plan --- */
  function renderInterests() {
    var box = document.getElementById("interests"), values = {};
    box.querySelectorAll("input[type=range]").forEach(function (r) { values[r.name] = r.value; });
    box.innerHTML = "";
    box.appendChild(el("legend", { text: t("interests") }));
    Object.keys(CONFIG.interests).forEach(function (cat) {
      var id = "interest-" + cat, out = el("output", { "for": id });
      var input = el("input", { type: "range", id: id, name: cat, min: "0", max: "1", step: "0.1" });
      input.value = values[cat] !== undefined ? values[cat] : String(CONFIG.interests[cat]);
      out.textContent = input.value;
      input.addEventListener("input", function () { out.textContent = input.value; });
      box.appendChild(el("div", { "class": "row" }, [el("label", { "for": id, text: state.categories[cat] || cat }), el("span", {}, [input, out])]));
    });
  }

  function planRequest() {
    var form = document.getElementById("plan-form");
    var body = {
      start_date: form.start_date.value, days: Number(form.days.value), mode: form.mode.value, pace: form.pace.value,
      meals: form.meals.checked, lang: lang, time_limit_s: 2
    };
    var interests = {};
    document.querySelectorAll("#interests input[type=range]").forEach(function (r) {
      var v = Number(r.value);
      if (v !== CONFIG.interests[r.name]) interests[r.name] = v;
    });
    if (Object.keys(interests).length) body.interests = interests;
    if (form.route.value) body.route = form.route.value;
    var access = {};
    if (form.wheelchair.checked) access.wheelchair = true;
    if (form.stroller.checked) access.stroller = true;
    if (form.max_walk_m.value) access.max_walk_m = Number(form.max_walk_m.value);
    if (form.rest_every_min.value) access.rest_every_min = Number(form.rest_every_min.value);
    if (Object.keys(access).length) body.access = access;
    var lastDay = new Date(Date.parse(body.start_date + "T00:00:00Z") + (body.days - 1) * 864e5).toISOString().slice(0, 10);
    if (form.arrive_hub.value) body.arrive = { hub: form.arrive_hub.value, at: body.start_date + "T" + form.arrive_time.value + ":00+08:00" };
    if (form.depart_hub.value) body.depart = { hub: form.depart_hub.value, at: lastDay + "T" + form.depart_time.value + ":00+08:00" };
    if (form.lodging.value) body.lodging = { poi_id: form.lodging.value };
    if (form.budget.value) body.budget_cny = Number(form.budget.value);
    if (form.want_sports.checked) body.want_sports = true;
    if (form.want_events.checked) body.want_events = true;
    var chosen = Array.prototype.map.call(document.querySelectorAll("#dated-events input:checked"), function (i) { return i.value; });
    if (chosen.length) body.events = chosen;
    return body;
  }

  /* The matches and timed events on the chosen dates, to pick from (the schedule). */
  var datedSeq = 0;
  function loadDatedEvents() {
    var form = document.getElementById("plan-form"), box = document.getElementById("dated-events");
    var first = form.start_date.value, days = Number(form.days.value);
    if (!first || !(days >= 1 && days <= 14)) return Promise.resolve();
    var last = new Date(Date.parse(first + "T00:00:00Z") + (days - 1) * 864e5).toISOString().slice(0, 10);
    var seq = ++datedSeq;
    return api("v1/events?from=" + first + "&to=" + last + "&limit=200").then(function (body) {
      if (seq !== datedSeq) return;  // a newer choice of dates is on its way
      var ticked = {};
      box.querySelectorAll("input:checked").forEach(function (i) { ticked[i.value] = true; });
      box.innerHTML = "";
      box.appendChild(el("legend", { text: t("on_dates") }));
      var timed = body.events.filter(function (e) { return e.confidence !== "time_tbc" && e.status === "scheduled"; });
      if (!timed.length) box.appendChild(el("p", { text: t("none_on_dates") }));
      timed.slice(0, 60).forEach(function (e) {
        var id = "ev-" + e.id;
        var input = el("input", { type: "checkbox", id: id, value: e.id });
        input.checked = !!ticked[e.id];
        box.appendChild(el("div", { "class": "row check" }, [input, el("label", { "for": id,
          text: e.start.slice(5, 16).replace("T", " ") + " · " + e.title + " · " + (e.venue_name || "") +
            (e.confidence === "date_only" || e.confidence === "estimated" ? " (" + e.confidence_note + ")" : "") })]));
      });
    }).catch(function () { box.innerHTML = ""; });
  }

  function submitPlan(ev) {
    ev.preventDefault();
    var status = document.getElementById("plan-status"), button = document.getElementById("plan-submit");
    button.disabled = true;
    status.textContent = t("planning");
    apiFull("v1/itineraries", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(planRequest())
    }).then(function (r) {
      if (r.status >= 400) throw new Error((r.body.error && r.body.error.message) || r.status);
      var plan = r.body;
      savePlan(plan, r.etag);
      status.textContent = t("planned", plan.days.length);
      showTab("trip");
    }).catch(function (err) {
      status.textContent = t("failed") + err.message;
    }).then(function () { button.disabled = false; });
  }

  function savePlan(plan, etag) {
    state.plan = plan;
    if (etag !== undefined) state.etag = etag;
    try {
      localStorage.setItem("yueyou.plan", JSON.stringify(plan));
      localStorage.setItem("yueyou.etag", state.etag || "");
    } catch (e) { /* full: keep it in memory */ }
    renderTrip();
  }

  function shareQuery(plan) {
    return plan.links ? "?" + plan.links.share.split("?")[1] : "";
  }

  function reloadPlan() {
    return apiFull("v1/itineraries/" + encodeURIComponent(state.plan.id) + shareQuery(state.plan)).then(function (r) {
      if (r.status === 200) savePlan(r.body, r.etag);
    });
  }

  /* Edits go through the replan endpoint with If-Match: a 412 means someone
   * changed the plan meanwhile (another device): reload it and say so. */
  function replan(edits) {
    var status = document.getElementById("trip-status");
    status.textContent = t("replanning");
    var headers = { "Content-Type": "application/json" };
    if (state.etag) headers["If-Match"] = state.etag;
    return apiFull("v1/itineraries/" + encodeURIComponent(state.plan.id) + "/replan", {
      method: "POST", headers: headers, body: JSON.stringify(edits)
    }).then(function (r) {
      if (r.status === 412 || r.status === 409) {
        return reloadPlan().then(function () { document.getElementById("trip-status").textContent = t("changed_elsewhere"); });
      }
      if (r.status >= 400) throw new Error((r.body.error && r.body.error.message) || r.status);
      savePlan(r.body, r.etag);
      var d = r.body.diff || { added: [], removed: [], moved: [] };
      document.getElementById("trip-status").textContent = t("replanned").replace("{a}", d.added.length)
        .replace("{r}", d.removed.length).replace("{m}", d.moved.length);
    }).catch(function (err) {
      document.getElementById("trip-status").textContent = t("failed") + err.message;
    });
  }

  function hhmm(iso) { return iso.slice(11, 16); }
  // A leg's mode; a rail leg also names its trains ("Rail: Hangzhou Metro Line 5 A → B").
  function legName(travel) {
    if (travel.mode !== "rail") return TEXT[lang].modes[travel.mode] || travel.mode;
    var rides = ((travel.rail || {}).rides || []).map(function (r) {
      return r.line_name + " " + r.board_name + " → " + r.alight_name;
    });
    return TEXT[lang].rail + (rides.length ? ": " + rides.join("; ") : "");
  }

  function renderTrip() {
    var plan = state.plan, box = document.getElementById("trip");
    box.innerHTML = "";
    tripLayer.clearLayers();
    document.getElementById("trip-empty").hidden = !!plan;
    if (!plan) return;
    var locked = {};
    (plan.locks || []).forEach(function (lk) { locked[lk.item_id || lk.poi_id || lk.event_id] = true; });
    if (plan.links) {
      var links = el("div", { "class": "links" });
      var token = plan.links.share.split("share=")[1] || "";
      var shareUrl = location.href.split("#")[0] + "#trip=" + encodeURIComponent(plan.id) + "&share=" + token;
      [["share", shareUrl], ["card", plan.links.card_pdf], ["ics", plan.links.ics], ["gpx", plan.links.gpx]].forEach(function (l) {
        links.appendChild(el("a", { href: l[1].replace(/^\//, ""), text: t(l[0]), "class": "link-" + l[0] }));
      });
      box.appendChild(links);
      if (plan.links.share_qr) {
        box.appendChild(el("figure", { "class": "qr" }, [
          el("img", { src: plan.links.share_qr.replace(/^\//, "") + "&lang=" + lang, alt: t("qr"), width: "160", height: "160" }),
          el("figcaption", { text: t("qr") })]));
      }
    }
    var addSelect = el("select", { id: "add-place" });
    state.pois.filter(function (f) { return ["history", "culture", "nature", "religion", "shopping", "venue"].indexOf(f.properties.category) >= 0; })
      .forEach(function (f) { addSelect.appendChild(el("option", { value: f.properties.id, text: f.properties.name })); });
    var addBtn = el("button", { type: "button", "class": "edit", id: "add-place-go", text: t("add") });
    addBtn.addEventListener("click", function () { if (addSelect.value) replan({ add_must_visit: [addSelect.value] }); });
    box.appendChild(el("div", { "class": "window" }, [el("label", { "for": "add-place", text: t("add_place") }), addSelect, addBtn]));
    var bounds = [];
    plan.days.forEach(function (day, d) {
      var section = el("section", { "class": "day", "aria-label": t("day", d + 1) });
      section.appendChild(el("h3", { text: t("day", d + 1) + " · " + day.date + " · " + day.lodging.name }));
      var list = el("ol", { "class": "stops" });
      var path = [];
      day.stops.forEach(function (s) {
        var kind = t("stop_" + s.type) || s.type;
        var when = s.type === "start" ? hhmm(s.depart) : s.type === "end" ? hhmm(s.arrive) : hhmm(s.start) + "–" + hhmm(s.end);
        var travel = s.travel && s.travel.minutes > 0 ? " · " + s.travel.minutes + " min " + legName(s.travel) : "";
        var nav = null;
        if (s.type === "visit" || s.type === "meal" || s.type === "event") {
          nav = el("span", { "class": "nav" });
          navLinks(s.lon, s.lat, s.name).forEach(function (n) {
            nav.appendChild(el("a", { href: n[1], target: "_blank", rel: "noopener", text: n[0],
              "aria-label": n[0] + ": " + t("navigate") + " " + s.name }));
          });
        }
        var edit = null;
        if (s.type === "visit" && s.poi_id) {
          var removeBtn = el("button", { type: "button", "class": "edit remove", text: t("remove"), "aria-label": t("remove") + " " + s.name });
          removeBtn.addEventListener("click", function () { replan({ remove: [s.poi_id] }); });
          var isLocked = !!locked[s.poi_id];
          var lockBtn = el("button", { type: "button", "class": "edit lock", text: isLocked ? t("locked") : t("lock"),
            "aria-pressed": String(isLocked), "aria-label": (isLocked ? t("locked") : t("lock")) + " " + s.name });
          lockBtn.addEventListener("click", function () {
            replan(isLocked ? { unlock: [s.poi_id] } : { lock: [{ day: d, poi_id: s.poi_id }] });
          });
          edit = el("span", { "class": "edits" }, [removeBtn, lockBtn]);
        }
        // the crowd forecast's hint: a visit in an hour it expects busy
        var crowd = s.crowd === "busy" ? el("span", { "class": "busy", text: " · " + t("busy") }) : null;
        list.appendChild(el("li", {}, [el("span", { "class": "time", text: when }),
          el("span", {}, [el("span", { "class": "kind", text: kind + travel }), el("br"), document.createTextNode(s.name), crowd, nav, edit])]));
        path.push(ll(s.lon, s.lat));
      });
      section.appendChild(list);
      if (day.plan_b && day.plan_b.length) {
        var names = {};
        day.stops.forEach(function (x) { if (x.poi_id) names[x.poi_id] = x.name; });
        var rain = el("ul", { "class": "notes plan-b" });
        day.plan_b.forEach(function (b) {
          rain.appendChild(el("li", { text: t("instead_of").replace("{alt}", b.name).replace("{out}", names[b.instead_of] || b.instead_of).replace("{km}", b.km) }));
        });
        section.appendChild(el("h4", { text: t("plan_b") }));
        section.appendChild(rain);
      }
      var startId = "ws-" + d, endId = "we-" + d;
      var ws = el("input", { id: startId, type: "time", value: hhmm(day.window.start) });
      var we = el("input", { id: endId, type: "time", value: hhmm(day.window.end) });
      var applyBtn = el("button", { type: "button", "class": "edit", text: t("apply"), "aria-label": t("apply") + " " + t("window") + " " + t("day", d + 1) });
      applyBtn.addEventListener("click", function () { replan({ window: [{ day: d, day_start: ws.value, day_end: we.value }] }); });
      section.appendChild(el("div", { "class": "window" }, [el("span", { text: t("window") }),
        el("label", { "for": startId, "class": "sr-only", text: t("window") + " " + t("day", d + 1) + " start" }), ws,
        el("label", { "for": endId, "class": "sr-only", text: t("window") + " " + t("day", d + 1) + " end" }), we, applyBtn]));
      box.appendChild(section);
      var color = DAY_COLORS[d % DAY_COLORS.length];
      L.polyline(path, { color: color, weight: 4 }).bindTooltip(t("day", d + 1)).addTo(tripLayer);
      path.forEach(function (p, k) {
        if (k > 0 && k < path.length - 1) L.circleMarker(p, { radius: 5, color: color, weight: 2, fillColor: "#fff", fillOpacity: 1 }).addTo(tripLayer);
      });
      bounds = bounds.concat(path);
    });
    function listOf(title, items) {
      if (!items.length) return;
      box.appendChild(el("h3", { text: title }));
      var ul = el("ul", { "class": "notes" });
      items.forEach(function (x) { ul.appendChild(el("li", { text: x })); });
      box.appendChild(ul);
    }
    listOf(t("unscheduled"), (plan.unscheduled || []).map(function (u) { return u.reason; }));
    listOf(t("notes"), (plan.notes || []).concat((plan.warnings || []).map(function (w) { return w.message || String(w); })));
    listOf(t("review"), (plan.review || []).map(function (r) { return r.message; }));
    if (bounds.length) map.fitBounds(bounds, { padding: [20, 20] });
  }

  /* --- tabs, language, offline --- */
  function showTab(name) {
    document.querySelectorAll(".tab").forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.tab === name)); });
    document.getElementById("panel-map").hidden = name !== "map";
    document.getElementById("panel-plan").hidden = name !== "plan";
    document.getElementById("panel-trip").hidden = name !== "trip";
    document.getElementById("details").hidden = name !== "map" || !document.getElementById("details").childNodes.length;
    setTimeout(function () { map.invalidateSize(); }, 0);
  }

  function applyLanguage() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    document.title = lang === "zh" ? "越游 Yueyou · 亚运绍兴地图" : "Yueyou · Asian Games Shaoxing map";
    document.querySelectorAll("[data-i18n]").forEach(function (n) { n.textContent = t(n.dataset.i18n); });
    var button = document.getElementById("lang");
    button.textContent = lang === "zh" ? "English" : "中文";
    button.setAttribute("aria-label", lang === "zh" ? "Switch to English" : "切换到中文");
    // the API's defaults: public transport at a normal pace
    fillSelect("mode", Object.keys(TEXT[lang].modes).map(function (k) { return [k, TEXT[lang].modes[k]]; }), "transit");
    fillSelect("pace", Object.keys(TEXT[lang].paces).map(function (k) { return [k, TEXT[lang].paces[k]]; }), "normal");
  }

  function setLanguage(next) {
    lang = next;
    localStorage.setItem("yueyou.lang", lang);
    applyLanguage();
    document.getElementById("details").hidden = true;
    document.getElementById("details").innerHTML = "";
    var reloads = [loadCatalog(), loadRoutes(), loadDatedEvents()];
    if (state.plan && state.plan.id && navigator.onLine) {
      reloads.push(reloadPlan().catch(function () { renderTrip(); }));
    } else {
      renderTrip();
    }
    return Promise.all(reloads);
  }

  function openShared() {
    var m = location.hash.match(/^#trip=([A-Za-z0-9_-]+)(?:&share=([^&]+))?/);
    if (!m) return null;
    return apiFull("v1/itineraries/" + m[1] + (m[2] ? "?share=" + m[2] : "")).then(function (r) {
      if (r.status !== 200) throw new Error(r.status);
      savePlan(r.body, r.etag);
      showTab("trip");
    });
  }

  function updateOnline() { document.getElementById("offline").hidden = navigator.onLine; }

  document.querySelectorAll(".tab").forEach(function (b) { b.addEventListener("click", function () { showTab(b.dataset.tab); }); });
  document.getElementById("lang").addEventListener("click", function () { setLanguage(lang === "zh" ? "en" : "zh"); });
  document.getElementById("filters").addEventListener("input", renderMarkers);
  document.getElementById("filters").addEventListener("submit", function (e) { e.preventDefault(); });
  document.getElementById("plan-form").addEventListener("submit", submitPlan);
  document.getElementById("start_date").addEventListener("change", loadDatedEvents);
  document.getElementById("days").addEventListener("change", loadDatedEvents);
  window.addEventListener("online", updateOnline);
  window.addEventListener("offline", updateOnline);

  var start = new Date(Date.now() + 7 * 864e5);
  document.getElementById("start_date").value = start.toISOString().slice(0, 10);
  applyLanguage();
  updateOnline();
  try { state.plan = JSON.parse(localStorage.getItem("yueyou.plan") || "null"); } catch (e) { state.plan = null; }
  state.etag = localStorage.getItem("yueyou.etag") || null;
  renderTrip();
  window.yueyouReady = Promise.all([loadCatalog(), loadRoutes(), openShared(), loadDatedEvents()]).then(function () { return true; }, function (e) {
    updateOnline();
    return false;
  });
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js").catch(function () { /* optional */ });
})();
