/* scidip-kg interactive graph. Every text that comes from the data is set with
   textContent or createTextNode, never parsed as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var byId = function (id) { return document.getElementById(id); };
  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  var groups = data.groups;
  var N = data.nodes.length;
  var big = N > data.physicsLimit;
  var nodeItems = new Array(N);
  var membersOf = {};
  groups.forEach(function (g) { membersOf[g.name] = []; });
  for (var i = 0; i < N; i++) {
    var n = data.nodes[i];
    var g = groups[n[1]].name;
    var item = { id: i, label: n[0], group: g, size: n[2] };
    if (n[3] !== null && n[4] !== null) { item.x = n[3]; item.y = n[4]; }
    nodeItems[i] = item;
    membersOf[g].push(i);
  }
  var edgeItems = new Array(data.edges.length);
  for (var j = 0; j < data.edges.length; j++) {
    var e = data.edges[j];
    var it = { id: j, from: e[0], to: e[1] };
    if (!big) it.label = data.relations[e[2]];  /* large views: relations on hover, labels on request */
    if (e.length > 3) it.width = e[3];
    edgeItems[j] = it;
  }
  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);

  var visGroups = {};
  groups.forEach(function (g) {
    visGroups[g.name] = {
      shape: g.shape,
      color: { background: g.color, border: g.border,
               highlight: { background: g.color, border: "#111827" },
               hover: { background: g.color, border: "#111827" } }
    };
  });
  var options = {
    groups: visGroups,
    nodes: {
      borderWidth: 1,
      font: { size: 13, color: "#1f2933", strokeWidth: 3, strokeColor: "#ffffff" },
      widthConstraint: { maximum: 170 },
      scaling: { label: { drawThreshold: 7 } }
    },
    edges: {
      arrows: { to: { enabled: !!data.directed, scaleFactor: 0.5 } },
      color: { color: "#a3acb9", highlight: "#3e4c59", hover: "#3e4c59", inherit: false },
      font: { size: 10, color: "#52606d", strokeWidth: 3, strokeColor: "#ffffff", align: "middle" },
      smooth: data.physics ? { enabled: true, type: "curvedCW", roundness: 0.12 } : false,
      width: 1,
      selectionWidth: 1.5
    },
    physics: data.physics ? {
      enabled: true,
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -110, centralGravity: 0.012, springLength: 130, springConstant: 0.04, avoidOverlap: 0.8 },
      stabilization: { enabled: true, iterations: 400, updateInterval: 50, fit: true },
      minVelocity: 1.5
    } : false,
    layout: { improvedLayout: false, randomSeed: 7 },
    interaction: { hover: true, hideEdgesOnDrag: big, hideEdgesOnZoom: big, keyboard: false, multiselect: false, tooltipDelay: 100 }
  };

  var container = byId("kg-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  window.kgNetwork = network;

  network.once("afterDrawing", function () {
    byId("kg-loading").hidden = true;
    var b = document.body.dataset;
    b.nodes = String(nodes.length);
    b.edges = String(edges.length);
    b.physics = data.physics ? "on" : "off";
    b.ready = "1";
    window.kgReadyAt = performance.now();
    b.readyMs = String(Math.round(window.kgReadyAt));
    if (!data.physics) b.stable = "1";
  });
  if (data.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      document.body.dataset.stable = "1";
    });
  }

  /* --- header, notices, sources ------------------------------------------------------ */
  var sourceCount = data.sources.length;
  byId("kg-summary").textContent = N.toLocaleString("en") + " entities · " + data.edges.length.toLocaleString("en") +
    " relations · " + sourceCount + " source" + (sourceCount === 1 ? "" : "s") + (data.subtitle ? " · " + data.subtitle : "");
  if (data.notes.length) {
    var notice = byId("kg-notice");
    data.notes.forEach(function (t) { notice.appendChild(el("p", t)); });
    notice.hidden = false;
  }
  var srcList = byId("kg-sources");
  data.sources.forEach(function (s) {
    var li = el("li");
    var name = s.title || s.slug;
    if (s.url && /^https?:\/\//i.test(s.url)) {
      var a = el("a", name, "kg-link");
      a.href = s.url;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      li.appendChild(a);
    } else {
      li.appendChild(document.createTextNode(name));
    }
    if (s.published) li.appendChild(el("span", " (" + s.published + ")", "kg-muted"));
    srcList.appendChild(li);
  });
  byId("kg-layout").textContent = "Layout: " + data.layout + ". Node size: " + data.sizeBy + ".";

  /* --- tooltips and details ----------------------------------------------------------- */
  function addRow(dl, name, value) {
    if (value === undefined || value === null || value === "" || (value.length === 0)) return;
    dl.appendChild(el("dt", name));
    dl.appendChild(el("dd", Array.isArray(value) ? value.join("; ") : value));
  }
  function sourceNames(idx) {
    return (idx || []).map(function (k) { var s = data.sources[k]; return s ? (s.title || s.slug) : ""; });
  }
  function nodeFacts(id, full) {
    var info = data.info[id] || {};
    var frag = document.createDocumentFragment();
    frag.appendChild(el("div", data.nodes[id][0], "kg-t-label"));
    var dl = el("dl");
    addRow(dl, "class", info.c);
    addRow(dl, "also known as", info.a);
    addRow(dl, "country", info.k);
    addRow(dl, "posts", info.p);
    addRow(dl, "status", info.s);
    if (info.d) Object.keys(info.d).forEach(function (k) { addRow(dl, k, info.d[k]); });
    addRow(dl, "amount", info.m);
    addRow(dl, "purpose", info.u);
    addRow(dl, "topics", info.t);
    addRow(dl, "sources", sourceNames(info.r));
    if (full) {
      addRow(dl, "note", info.n);
      addRow(dl, "evidence", info.e);
      addRow(dl, "IRI", info.i);
    }
    frag.appendChild(dl);
    return frag;
  }
  function edgeFacts(id) {
    var e = data.edges[id];
    var frag = document.createDocumentFragment();
    var arrow = data.directed ? " → " : " — ";
    frag.appendChild(el("div", data.nodes[e[0]][0] + arrow + data.nodes[e[1]][0], "kg-t-label"));
    var dl = el("dl");
    addRow(dl, "relation", data.relations[e[2]]);
    addRow(dl, "agreements", (data.edgeInfo || {})[String(id)]);
    frag.appendChild(dl);
    return frag;
  }

  var tip = byId("kg-tooltip");
  function showTip(content, params) {
    tip.textContent = "";
    tip.appendChild(content);
    var p = (params.pointer && params.pointer.DOM) || { x: 10, y: 10 };
    var box = container.getBoundingClientRect();
    tip.hidden = false;
    var x = Math.min(p.x + 14, box.width - tip.offsetWidth - 6);
    var y = Math.min(p.y + 14, box.height - tip.offsetHeight - 6);
    tip.style.left = Math.max(4, x) + "px";
    tip.style.top = Math.max(4, y) + "px";
  }
  function hideTip() { tip.hidden = true; }
  network.on("hoverNode", function (p) { showTip(nodeFacts(p.node, false), p); });
  network.on("hoverEdge", function (p) { showTip(edgeFacts(p.edge), p); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);

  var detailsBox = byId("kg-details-box");
  var details = byId("kg-details");
  var selected = null;
  function showDetails(id) {
    selected = id;
    details.textContent = "";
    if (id === null) { detailsBox.hidden = true; return; }
    details.appendChild(nodeFacts(id, true));
    var near = network.getConnectedNodes(id);
    if (near.length) {
      details.appendChild(el("div", "Connected to (" + near.length + ")", "kg-h"));
      var ul = el("ul", null, "kg-list");
      near.slice(0, 60).forEach(function (k) { ul.appendChild(resultItem(k)); });
      if (near.length > 60) ul.appendChild(el("li", "… and " + (near.length - 60) + " more", "kg-muted"));
      details.appendChild(ul);
    }
    detailsBox.hidden = false;
    if (byId("kg-isolate").checked) applyVisibility();
  }
  network.on("click", function (p) {
    hideTip();
    showDetails(p.nodes.length ? p.nodes[0] : null);
  });

  function select(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: big ? false : { duration: 400 } });
    showDetails(id);
  }

  /* --- search ------------------------------------------------------------------------- */
  var lower = new Array(N);
  for (var s = 0; s < N; s++) {
    var names = [data.nodes[s][0]].concat((data.info[s] && data.info[s].a) || []);
    lower[s] = names.join("\n").toLowerCase();
  }
  var results = byId("kg-results");
  var count = byId("kg-search-count");
  function resultItem(id) {
    var li = el("li");
    var b = el("button", data.nodes[id][0]);
    b.type = "button";
    b.addEventListener("click", function () { select(id); });
    li.appendChild(b);
    li.appendChild(el("span", (data.info[id] || {}).c || "", "kg-cls"));
    return li;
  }
  function search(q) {
    q = q.trim().toLowerCase();
    results.textContent = "";
    count.textContent = "";
    if (!q) return [];
    var hits = [];
    for (var k = 0; k < N; k++) if (lower[k].indexOf(q) !== -1) hits.push(k);
    hits.sort(function (a, b) { return (data.nodes[a][0].toLowerCase().indexOf(q) === 0 ? 0 : 1) - (data.nodes[b][0].toLowerCase().indexOf(q) === 0 ? 0 : 1) || data.nodes[b][2] - data.nodes[a][2]; });
    hits.slice(0, 40).forEach(function (k) { results.appendChild(resultItem(k)); });
    count.textContent = hits.length === 0 ? "no match" : hits.length + " match" + (hits.length === 1 ? "" : "es") + (hits.length > 40 ? " (first 40)" : "");
    return hits;
  }
  var searchBox = byId("kg-search");
  var timer = null;
  searchBox.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(searchBox.value); }, N > 5000 ? 200 : 60);
  });
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var hits = search(searchBox.value); if (hits.length) select(hits[0]); }
  });

  /* --- filters: classes, neighbourhood, edge labels ---------------------------------------- */
  var hiddenGroups = {};
  var legend = byId("kg-legend");
  function swatch(g) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("viewBox", "0 0 14 14");
    var shapes = {
      dot: ["circle", { cx: 7, cy: 7, r: 6 }],
      square: ["rect", { x: 1.5, y: 1.5, width: 11, height: 11 }],
      diamond: ["polygon", { points: "7,0.5 13.5,7 7,13.5 0.5,7" }],
      triangle: ["polygon", { points: "7,1 13,13 1,13" }],
      triangleDown: ["polygon", { points: "1,1 13,1 7,13" }],
      star: ["polygon", { points: "7,0.5 8.8,5 13.5,5.2 9.8,8.2 11,13 7,10.3 3,13 4.2,8.2 0.5,5.2 5.2,5" }],
      hexagon: ["polygon", { points: "3.5,1 10.5,1 13.5,7 10.5,13 3.5,13 0.5,7" }]
    };
    var def = shapes[g.shape] || shapes.dot;
    var shape = document.createElementNS(SVG, def[0]);
    Object.keys(def[1]).forEach(function (k) { shape.setAttribute(k, String(def[1][k])); });
    shape.setAttribute("fill", g.color);
    shape.setAttribute("stroke", g.border);
    svg.appendChild(shape);
    return svg;
  }
  groups.forEach(function (g) {
    if (!g.count) return;
    var li = el("li");
    li.setAttribute("role", "checkbox");
    li.setAttribute("aria-checked", "true");
    li.tabIndex = 0;
    li.appendChild(swatch(g));
    li.appendChild(el("span", g.label));
    li.appendChild(el("span", g.count.toLocaleString("en"), "kg-count"));
    function toggle() {
      hiddenGroups[g.name] = !hiddenGroups[g.name];
      li.classList.toggle("kg-off", !!hiddenGroups[g.name]);
      li.setAttribute("aria-checked", hiddenGroups[g.name] ? "false" : "true");
      applyVisibility();
    }
    li.addEventListener("click", toggle);
    li.addEventListener("keydown", function (ev) { if (ev.key === " " || ev.key === "Enter") { ev.preventDefault(); toggle(); } });
    legend.appendChild(li);
  });
  var visible = new Array(N);
  for (var v = 0; v < N; v++) visible[v] = true;
  function applyVisibility() {
    var keep = null;
    if (byId("kg-isolate").checked && selected !== null) {
      keep = {};
      keep[selected] = true;
      network.getConnectedNodes(selected).forEach(function (k) { keep[k] = true; });
    }
    var changes = [];
    for (var k = 0; k < N; k++) {
      var show = !hiddenGroups[nodeItems[k].group] && (keep === null || keep[k] === true);
      if (show !== visible[k]) { visible[k] = show; changes.push({ id: k, hidden: !show }); }
    }
    if (changes.length) nodes.update(changes);
  }
  byId("kg-isolate").addEventListener("change", applyVisibility);
  var edgeLabels = byId("kg-edge-labels");
  edgeLabels.checked = !big;
  edgeLabels.addEventListener("change", function () {
    var on = edgeLabels.checked;
    edges.update(data.edges.map(function (x, k) { return { id: k, label: on ? data.relations[x[2]] : "" }; }));
  });
  byId("kg-fit").addEventListener("click", function () { network.fit({ animation: false }); });
  byId("kg-reset").addEventListener("click", function () {
    hiddenGroups = {};
    Array.prototype.forEach.call(legend.children, function (li) { li.classList.remove("kg-off"); li.setAttribute("aria-checked", "true"); });
    byId("kg-isolate").checked = false;
    applyVisibility();
    network.unselectAll();
    showDetails(null);
    network.fit({ animation: false });
  });

  /* --- deep links: #search=text or #focus=text ----------------------------------------- */
  function fromHash() {
    var h = location.hash.replace(/^#/, "");
    var m = /^(search|focus)=(.*)$/.exec(h);
    if (!m) return;
    var text;
    try { text = decodeURIComponent(m[2].replace(/\+/g, " ")); } catch (err) { text = m[2]; }
    searchBox.value = text;
    var hits = search(text);
    if (m[1] === "focus" && hits.length) select(hits[0]);
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
