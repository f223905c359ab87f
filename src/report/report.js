/* hsnap HTML report.  The page embeds the command's --format json output in a
 * <script type="application/json"> element; this script builds the page from
 * it.  Every string from a snapshot goes into the DOM as text (textContent,
 * createTextNode), never as markup. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("hsnap-data").textContent);
  var kind = document.body.getAttribute("data-kind");
  var main = document.getElementById("main");
  var SVG = "http://www.w3.org/2000/svg";
  /* Script names as text output prints them: relative to the directory the
   * snapshot's scripts share (hsnap gives it as data-script-dir), said once
   * in the header; the whole name in the element's title.  The data keeps
   * whole names, as --format json does. */
  var scriptDir = document.body.getAttribute("data-script-dir") || "", relUsed = false;

  /* ---- helpers ---------------------------------------------------------- */
  function el(tag, attrs) {
    var e = document.createElement(tag), i, k;
    for (k in attrs || {}) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    for (i = 2; i < arguments.length; i++) add(e, arguments[i]);
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag), k;
    for (k in attrs || {}) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    return e;
  }
  function add(e, c) {
    if (c === null || c === undefined) return;
    if (Array.isArray(c)) { c.forEach(function (x) { add(e, x); }); return; }
    e.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
  /* sizes as hsnap prints them: 1000-based, three significant digits */
  function size(b) {
    var u = ["B", "kB", "MB", "GB", "TB", "PB"], i = 0, v = Math.abs(b), s;
    if (v < 1000) return (b < 0 ? "-" : "") + v + " B";
    while (v >= 1000 && i < u.length - 1) { v /= 1000; i++; }
    s = Number(v.toPrecision(3));
    if (s >= 1000 && i < u.length - 1) { s = Number((s / 1000).toPrecision(3)); i++; }
    return (b < 0 ? "-" : "") + (s < 10 ? s.toFixed(2) : s < 100 ? s.toFixed(1) : s.toFixed(0)) + " " + u[i];
  }
  /* s with the scripts' directory cut where a name starts: at the start, or after "(" */
  function rel(s) {
    if (!scriptDir || typeof s !== "string") return s;
    var t = s.split("(" + scriptDir).join("(");
    if (t.indexOf(scriptDir) === 0 && t.length > scriptDir.length) t = t.slice(scriptDir.length);
    if (t !== s) relUsed = true;
    return t;
  }
  /* text for a cell or a line: relative, the whole text in its title */
  function named(s) {
    var t = rel(s);
    return t === s ? s : el("span", { title: s }, t);
  }
  function int(n) { return Number(n).toLocaleString("en-US"); }
  function signed(n, f) { return (n > 0 ? "+" : "") + (f ? f(n) : int(n)); }
  function pct(part, whole) { return whole ? (100 * part / whole).toFixed(1) + "%" : "0.0%"; }
  function section(title, id) {
    var s = el("section", id ? { id: id, "aria-labelledby": id + "-h" } : {});
    s.appendChild(el("h2", id ? { id: id + "-h" } : {}, title));
    main.appendChild(s);
    return s;
  }
  function pathList(steps) {
    var ul = el("ul", { "class": "path" });
    (steps || []).forEach(function (st, i) {
      ul.appendChild(el("li", {}, new Array(i + 1).join("  ") + (st.edge ? st.edge + "  " : ""), named(st["class"])));
    });
    return ul;
  }

  /* A sortable table.  cols: [{key, label, num, fmt, get}] */
  function table(cols, rows, opts) {
    opts = opts || {};
    var wrap = el("div"), box = el("div", { "class": "tablewrap" }), t = el("table"), thead = el("thead"),
        tbody = el("tbody"), hr = el("tr"), sortKey = opts.sort || null, desc = true, filter = "";
    cols.forEach(function (c) {
      var b = el("button", { type: "button" }, c.label), th = el("th", { scope: "col", "class": c.num ? "num" : "" }, b);
      b.addEventListener("click", function () {
        if (sortKey === c.key) desc = !desc; else { sortKey = c.key; desc = !!c.num; }
        render();
      });
      c.th = th;
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    t.appendChild(thead);
    t.appendChild(tbody);
    if (opts.filter) {
      var inp = el("input", { type: "search", placeholder: "Filter by name", "aria-label": "Filter " + (opts.what || "rows") });
      inp.addEventListener("input", function () { filter = inp.value.toLowerCase(); render(); });
      wrap.appendChild(inp);
    }
    function val(r, c) { return c.get ? c.get(r) : r[c.key]; }
    function render() {
      var v = rows.filter(function (r) { return !filter || String(val(r, cols[0])).toLowerCase().indexOf(filter) >= 0; });
      if (sortKey) {
        var c = cols.filter(function (x) { return x.key === sortKey; })[0];
        v = v.slice().sort(function (a, b) {
          var x = val(a, c), y = val(b, c), d = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y));
          return desc ? -d : d;
        });
      }
      cols.forEach(function (c) { c.th.setAttribute("aria-sort", c.key === sortKey ? (desc ? "descending" : "ascending") : "none"); });
      tbody.textContent = "";
      v.forEach(function (r) {
        var tr = el("tr");
        cols.forEach(function (c) {
          var x = val(r, c), cell = c.fmt ? c.fmt(x, r) : named(x);
          tr.appendChild(el("td", { "class": c.num ? "num" : "name" }, cell));
        });
        tbody.appendChild(tr);
      });
    }
    render();
    box.appendChild(t);
    wrap.appendChild(box);
    return wrap;
  }

  function overview(title, lines) {
    var h = document.getElementById("title"), f = document.getElementById("files");
    h.textContent = title;
    lines.forEach(function (l) { f.appendChild(el("div", {}, l)); });
  }

  /* fromZero: the scale starts at 0 (sizes, where a 4-byte change must not look steep) */
  function spark(values, w, h, fromZero) {
    var s = svg("svg", { width: w, height: h, "class": "spark", role: "img" }), max = Math.max.apply(null, values),
        min = fromZero ? Math.min(0, Math.min.apply(null, values)) : Math.min.apply(null, values), n = values.length, pts = [];
    s.setAttribute("aria-label", values.map(int).join(" → "));
    values.forEach(function (v, i) {
      var x = n > 1 ? 3 + i * (w - 6) / (n - 1) : w / 2, y = h - 3 - (max > min ? (v - min) * (h - 6) / (max - min) : (h - 6) / 2);
      pts.push(x.toFixed(1) + "," + y.toFixed(1));
      s.appendChild(svg("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 2, fill: "#0969da" }));
    });
    s.insertBefore(svg("polyline", { points: pts.join(" "), fill: "none", stroke: "#0969da", "stroke-width": 1.5 }), s.firstChild);
    return s;
  }

  /* ---- treemap of the dominator tree (squarified) ------------------------- */
  function treemap(sec, tm, total) {
    var nodes = tm.nodes, kids = nodes.map(function () { return []; }), stack = [0],
        box = svg("svg", { "class": "tm", role: "group", "aria-label": "Treemap of the dominator tree" }),
        crumbs = el("nav", { "class": "crumbs", "aria-label": "Treemap path" }), tip = document.getElementById("tip"),
        colors = ["#0550ae", "#6639ba", "#953800", "#116329", "#a40e26", "#1b7c83", "#7d4e00", "#8250df"];
    nodes.forEach(function (n, i) { if (n.p >= 0) kids[n.p].push(i); });
    sec.appendChild(el("p", { "class": "muted" }, "Area is retained size. Click (or Enter) to drill down; the path above goes back up. " +
      "Objects below " + tm.min_percent + "% of the heap are folded into \"other\"; " + nodes.length + " nodes embedded."));
    sec.appendChild(crumbs);
    sec.appendChild(box);
    function label(n) { return n.other ? "other (" + int(n.other) + " objects)" : rel(n.label); }
    function squarify(items, x, y, w, h, out) {
      var sum = items.reduce(function (a, b) { return a + b.v; }, 0), i = 0;
      while (i < items.length && w > 0 && h > 0) {
        var row = [], rs = 0, short = Math.min(w, h), best = Infinity, j;
        for (j = i; j < items.length; j++) {
          var t = rs + items[j].v, mx = 0, mn = Infinity, k;
          row.push(items[j]);
          for (k = 0; k < row.length; k++) { mx = Math.max(mx, row[k].v); mn = Math.min(mn, row[k].v); }
          var area = t / sum * w * h, side = area / short,
              worst = Math.max((mx / t * area) / side / side, side * side / (mn / t * area));
          if (worst > best) { row.pop(); break; }
          best = worst; rs = t;
        }
        var a = rs / sum * w * h, off = 0;
        if (w >= h) {
          var cw = a / h;
          row.forEach(function (it) { var ch = it.v / rs * h; out.push([it, x, y + off, cw, ch]); off += ch; });
          x += cw; w -= cw;
        } else {
          var chh = a / w;
          row.forEach(function (it) { var cww = it.v / rs * w; out.push([it, x + off, y, cww, chh]); off += cww; });
          y += chh; h -= chh;
        }
        sum -= rs; i += row.length;
      }
      return out;
    }
    function draw() {
      var cur = stack[stack.length - 1], W = box.clientWidth || 900, H = box.clientHeight || 420, items, cells;
      box.setAttribute("viewBox", "0 0 " + W + " " + H);
      box.textContent = "";
      crumbs.textContent = "";
      stack.forEach(function (i, d) {
        var b = el("button", { type: "button" }, d ? label(nodes[i]) : "all (" + size(nodes[0].r) + ")");
        b.addEventListener("click", function () { stack = stack.slice(0, d + 1); draw(); });
        if (d) crumbs.appendChild(document.createTextNode(" › "));
        crumbs.appendChild(b);
      });
      items = kids[cur].map(function (i) { return { i: i, v: Math.max(nodes[i].r, 1) }; })
        .sort(function (a, b) { return b.v - a.v; });
      if (!items.length) { box.appendChild(svg("text", { x: 10, y: 20 })).textContent = "no children shown"; return; }
      cells = squarify(items, 0, 0, W, H, []);
      cells.forEach(function (c, k) {
        var i = c[0].i, color = nodes[i].other ? "#6e7781" : colors[k % colors.length], inner = kids[i], x = c[1], y = c[2], w = c[3], h = c[4];
        /* two levels: a large enough cell shows its own children below a title band */
        if (inner.length && w > 90 && h > 48) {
          cell(i, x, y, w, 16, color, [i], true);
          var sub = inner.map(function (j) { return { i: j, v: Math.max(nodes[j].r, 1) }; }).sort(function (a, b) { return b.v - a.v; }),
              sum = sub.reduce(function (a, b) { return a + b.v; }, 0), area = w * (h - 16), own = Math.max(nodes[i].r - sum, 0);
          /* the parent's own share (its shallow size and what no child holds) stays empty */
          var hh = (h - 16) * (sum / (sum + own || 1));
          squarify(sub, x + 1, y + 16, w - 2, Math.max(hh - 1, 1), []).forEach(function (d) {
            cell(d[0].i, d[1], d[2], d[3], d[4], color, [i, d[0].i], false, 0.78);
          });
          void area;
        } else {
          cell(i, x, y, w, h, color, [i], true);
        }
      });
    }
    function cell(i, x, y, w, h, color, path, withLabel, opacity) {
      var n = nodes[i], r = svg("rect", { x: x.toFixed(1), y: y.toFixed(1), width: Math.max(w, 0).toFixed(1),
        height: Math.max(h, 0).toFixed(1), fill: color, tabindex: 0, "data-id": n.id === undefined ? "" : n.id });
      if (opacity) r.setAttribute("fill-opacity", opacity);
      var t = svg("title");
      t.textContent = label(n) + " — " + size(n.r);
      r.appendChild(t);
      r.setAttribute("aria-label", label(n) + ", retained " + size(n.r));
      function go() {
        var p = path.slice();
        while (p.length && !kids[p[p.length - 1]].length) p.pop();
        if (p.length) { stack = stack.concat(p); draw(); }
      }
      r.addEventListener("click", go);
      r.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); go(); } });
      r.addEventListener("mousemove", function (ev) {
        tip.textContent = "";
        add(tip, [el("b", {}, label(n)), el("br"), n.cls ? "class " + n.cls : "", n.id !== undefined ? ", @" + n.id : "",
          el("br"), "shallow " + size(n.s) + ", retained " + size(n.r) + " (" + pct(n.r, total) + ")",
          n.loc ? [el("br"), n.loc] : null]);
        tip.style.display = "block";
        tip.style.left = Math.min(ev.clientX + 12, window.innerWidth - 430) + "px";
        tip.style.top = (ev.clientY + 12) + "px";
      });
      r.addEventListener("mouseleave", function () { tip.style.display = "none"; });
      box.appendChild(r);
      if (w > 50 && h > 14) {
        var tx = svg("text", { x: (x + 4).toFixed(1), y: (y + 12).toFixed(1) });
        var s = label(n) + (withLabel && w > 160 ? "  " + size(n.r) : ""), max = Math.floor((w - 8) / 6.2);
        tx.textContent = s.length > max ? s.slice(0, Math.max(max - 1, 1)) + "…" : s;
        box.appendChild(tx);
      }
    }
    draw();
    window.addEventListener("resize", draw);
  }

  /* ---- page kinds --------------------------------------------------------- */
  function statistics(sec, st) {
    var g = el("div", { "class": "stats", role: "list" }), rows = [
      ["V8 heap", st.v8_heap, ""], ["code", st.code, ""], ["strings", st.strings, ""], ["JS arrays", st.js_arrays, ""],
      ["system", st.system, ""], ["native", st.native, "native"], ["typed arrays", st.typed_arrays, "native"]];
    rows.forEach(function (r) {
      var w = st.total ? Math.max(100 * r[1] / st.total, 0.3) : 0;
      g.appendChild(el("div", { role: "listitem" }, r[0]));
      g.appendChild(el("div", {}, el("div", { "class": "bar " + r[2], style: "width:" + w.toFixed(1) + "%" })));
      g.appendChild(el("div", { "class": "num" }, size(r[1]) + "  " + pct(r[1], st.total)));
    });
    sec.appendChild(g);
  }

  function summaryPage() {
    var d = data, total = d.total_size;
    overview("Heap snapshot summary", [d.file, int(d.node_count) + " nodes, " + int(d.edge_count) + " edges, total size " + size(total)]);
    statistics(section("Statistics", "stats"), d.statistics);
    if (d.treemap && d.treemap.nodes.length > 1) treemap(section("Dominator tree", "treemap"), d.treemap, total);
    var sus = section("Leak suspects", "suspects"), cards = el("div", { "class": "cards" });
    (d.suspects.objects || []).forEach(function (o) {
      var ap = o.accumulation_point;
      cards.appendChild(el("div", { "class": "card bad" },
        el("h3", {}, "One ", named(o["class"]), " retains " + size(o.retained_size) + " (" + pct(o.retained_size, total) + ")"),
        el("div", {}, named(o.label || (o["class"] + " @" + o.id))),
        ap && ap.id !== o.id ? el("div", {}, "Accumulation point: ", named(ap.label || ap["class"] + " @" + ap.id), ", " + size(ap.retained_size)) : null,
        o.path ? pathList(o.path) : null));
    });
    (d.suspects.classes || []).forEach(function (c) {
      cards.appendChild(el("div", { "class": "card" },
        el("h3", {}, int(c.count) + " objects of class ", named(c.name), " retain " + size(c.retained_size) + " (" + pct(c.retained_size, total) + ")")));
    });
    if (!cards.childNodes.length) cards.appendChild(el("p", { "class": "muted" }, "No object or class retains " + d.suspects.threshold_percent + "% of the heap."));
    sus.appendChild(cards);
    /* summary --group site: a row per allocation site (its line and column 0-based) */
    var where = function (r) { var t = r.site;
      return t ? r.name + " (" + (t.script || "script " + t.script_id) + ":" + (t.line + 1) + ":" + (t.column + 1) + ")" : r.name; };
    section("Classes", "classes").appendChild(table([
      { key: "name", label: "Class", get: where }, { key: "count", label: "Count", num: true, fmt: int },
      { key: "self_size", label: "Shallow", num: true, fmt: size }, { key: "retained_size", label: "Retained", num: true, fmt: size },
      { key: "pct", label: "% of total", num: true, get: function (r) { return r.retained_size; }, fmt: function (v) { return pct(v, total); } }
    ], d.classes, { filter: true, sort: "retained_size", what: "classes" }));
    section("Objects by retained size", "top").appendChild(table([
      { key: "label", label: "Object", get: function (r) { return r.label || r["class"] + " @" + r.id; } },
      { key: "type", label: "Type" }, { key: "self_size", label: "Shallow", num: true, fmt: size },
      { key: "retained_size", label: "Retained", num: true, fmt: size }
    ], d.top, { sort: "retained_size" }));
    if (d.detached_dom && d.detached_dom.classes.length) {
      var dd = section("Detached DOM: " + int(d.detached_dom.count) + " nodes, " + size(d.detached_dom.retained_size) + " retained", "detached"),
          dc = el("div", { "class": "cards" });
      d.detached_dom.classes.forEach(function (c) {
        dc.appendChild(el("div", { "class": "card" }, el("h3", {}, c.name + ": " + int(c.count) + ", " + size(c.retained_size)),
          (c.paths || []).map(function (p) { return [el("div", { "class": "muted" }, int(p.count) + " objects, retained " + size(p.retained_size)), pathList(p.steps)]; })));
      });
      dd.appendChild(dc);
    }
    if (d.closures_by_function && d.closures_by_function.length)
      section("Closures by function", "closures").appendChild(table([
        { key: "name", label: "Function", get: function (r) { return (r.name || "(anonymous)") + (r.location ? " (" + (r.location.script || "script " + r.location.script_id) + ":" + r.location.line + ":" + r.location.column + ")" : ""); } },
        { key: "count", label: "Closures", num: true, fmt: int }, { key: "self_size", label: "Shallow", num: true, fmt: size },
        { key: "retained_size", label: "Retained", num: true, fmt: size }], d.closures_by_function, { sort: "count" }));
    if (d.duplicate_strings && d.duplicate_strings.strings.length)
      section("Duplicate strings: " + size(d.duplicate_strings.wasted_size) + " wasted", "strings").appendChild(table([
        { key: "text", label: "String" }, { key: "count", label: "Copies", num: true, fmt: int },
        { key: "self_size", label: "Size", num: true, fmt: size }, { key: "wasted_size", label: "Wasted", num: true, fmt: size },
        { key: "held_by", label: "Mostly held by" }], d.duplicate_strings.strings, { sort: "wasted_size" }));
  }

  function gate(vs) {
    var sec = section("CI gate (--fail-on)", "gate"), cards = el("div", { "class": "cards" }), rules = data.rules;
    if (rules && rules.length) {
      rules.forEach(function (r) {
        var bad = vs.filter(function (v) { return v.rule === r; });
        cards.appendChild(el("div", { "class": "card " + (bad.length ? "bad" : "good") },
          el("h3", {}, el("span", { "class": "verdict " + (bad.length ? "bad" : "good") }, bad.length ? "FAIL " : "PASS "), r),
          bad.map(function (v) { return el("div", {}, (v["class"] || "total") + ": " + v.metric + " " + signed(v.value) + " > limit " + v.limit); })));
      });
    } else {
      vs.forEach(function (v) {
        cards.appendChild(el("div", { "class": "card bad" }, el("h3", {}, el("span", { "class": "verdict bad" }, "FAIL "), v.rule),
          el("div", {}, (v["class"] || "total") + ": " + v.metric + " " + signed(v.value) + " > limit " + v.limit)));
      });
      if (!vs.length) cards.appendChild(el("div", { "class": "card good" }, el("span", { "class": "verdict good" }, "PASS"), " no rule was violated"));
    }
    sec.appendChild(cards);
  }

  function bars(sec, rows) {
    var W = 720, rowH = 22, left = 220, s = svg("svg", { width: W, style: "max-width:100%", viewBox: "0 0 " + W + " " + (rows.length * rowH + 24), role: "img",
      "aria-label": "New, deleted and retained-size change per class" }), max = 1;
    rows.forEach(function (r) { max = Math.max(max, Math.abs(r.retained_delta)); });
    rows.forEach(function (r, i) {
      var y = 20 + i * rowH, w = (W - left - 110) * Math.abs(r.retained_delta) / max, t = svg("text", { x: 0, y: y + 14, "font-size": 12 });
      var nm = rel(r.name);
      t.textContent = nm.length > 32 ? nm.slice(0, 31) + "…" : nm;
      s.appendChild(t);
      s.appendChild(svg("rect", { x: left, y: y + 3, width: Math.max(w, 1).toFixed(1), height: 14, fill: r.retained_delta >= 0 ? "#a40e26" : "#116329" }));
      var v = svg("text", { x: left + w + 6, y: y + 14, "font-size": 12 });
      v.textContent = signed(r.retained_delta, size) + "  (+" + int(r["new"]) + " / -" + int(r.deleted) + ")";
      s.appendChild(v);
    });
    var lg = svg("text", { x: left, y: 12, "font-size": 11, fill: "#57606a" });
    lg.textContent = "Δ retained (red: grew, green: shrank); (+new / -deleted objects)";
    s.appendChild(lg);
    sec.appendChild(el("div", { "class": "bars" }, s));
  }

  function diffPage() {
    var d = data;
    overview("Heap snapshot comparison", ["A: " + d.a.file + " (" + int(d.a.node_count) + " nodes, " + size(d.a.total_size) + ")",
      "B: " + d.b.file + " (" + int(d.b.node_count) + " nodes, " + size(d.b.total_size) + ")",
      "Total size " + signed(d.b.total_size - d.a.total_size, size) + "; " + int(d.classes.length) + " classes changed"]);
    gate(d.violations || []);
    var top = d.classes.slice().sort(function (x, y) { return Math.abs(y.retained_delta) - Math.abs(x.retained_delta); }).slice(0, 20);
    bars(section("Largest changes", "bars"), top);
    section("Classes", "classes").appendChild(table([
      { key: "name", label: "Class" }, { key: "count_a", label: "Count A", num: true, fmt: int }, { key: "count_b", label: "Count B", num: true, fmt: int },
      { key: "count_delta", label: "Δ Count", num: true, fmt: function (v) { return signed(v); } },
      { key: "new", label: "New", num: true, fmt: int }, { key: "deleted", label: "Deleted", num: true, fmt: int },
      { key: "self_delta", label: "Δ Shallow", num: true, fmt: function (v) { return signed(v, size); } },
      { key: "retained_delta", label: "Δ Retained", num: true, fmt: function (v) { return signed(v, size); } },
      { key: "retained_b", label: "Retained B", num: true, fmt: size }], d.classes, { filter: true, sort: "retained_delta", what: "classes" }));
    if (d.realms) {
      var opt = function (v) { return v === null ? "" : size(v); };
      section("Realms (diff --realms)", "realms").appendChild(table([
        { key: "label", label: "Realm" }, { key: "id", label: "Native context", fmt: function (v) { return v === null ? "" : "@" + v; } },
        { key: "attributed_a", label: "Attributed A", num: true, fmt: size }, { key: "attributed_b", label: "Attributed B", num: true, fmt: size },
        { key: "attributed_delta", label: "Δ Attributed", num: true, fmt: function (v) { return signed(v, size); } },
        { key: "retained_delta", label: "Δ Retained", num: true, fmt: function (v) { return v === null ? "" : signed(v, size); } },
        { key: "retained_b", label: "Retained B", num: true, fmt: opt }], d.realms, { sort: "attributed_delta" }));
    }
  }

  function leaksPage() {
    var d = data, sn = d.snapshots;
    overview("Leaked objects: allocated between A and B, alive in C", ["A: " + sn[0], "B: " + sn[1], "C: " + sn[2],
      int(d.leaked) + " objects leaked (of " + int(d.new_in_b) + " new in B), " + size(d.retained_size) + " retained in C"]);
    if (d.violations && (d.violations.length || d.rules)) gate(d.violations);
    var sec = section("Leaking groups", "leaks"), cards = el("div", { "class": "cards" });
    d.classes.forEach(function (c) {
      cards.appendChild(el("div", { "class": "card" }, el("h3", {}, named(c.name), ": " + int(c.count) + " leaked, " + size(c.retained_size) + " retained"),
        (c.paths || []).map(function (p) {
          return [el("div", { "class": "muted" }, int(p.count) + " objects, retained " + size(p.retained_size) + " (e.g. @" + p.example_id + ")"), pathList(p.steps)];
        })));
    });
    if (!d.classes.length) cards.appendChild(el("p", {}, "Nothing leaked."));
    sec.appendChild(cards);
  }

  function growthPage() {
    var d = data;
    overview("Growth over " + d.snapshots.length + " snapshots", d.snapshots.map(function (s, i) {
      return "S" + (i + 1) + ": " + s.file + " (" + size(s.total_size) + ")";
    }));
    if (d.violations && (d.violations.length || d.rules)) gate(d.violations);
    section("Classes that grew", "classes").appendChild(table([
      { key: "name", label: "Class" },
      { key: "counts", label: "Count per snapshot", get: function (r) { return r.count_growth; }, fmt: function (v, r) { return [spark(r.counts, 120, 28), r.counts.map(int).join(" → ")]; } },
      { key: "count_growth", label: "Δ Count", num: true, fmt: function (v) { return signed(v); } },
      { key: "retained_growth", label: "Δ Retained", num: true, fmt: function (v) { return signed(v, size); } },
      { key: "last", label: "Retained (last)", num: true, get: function (r) { return r.retained_sizes[r.retained_sizes.length - 1]; }, fmt: size }
    ], d.classes, { filter: true, what: "classes" }));
    if (d.containers && d.containers.length)
      section("Containers that grew at every step", "containers").appendChild(table([
        { key: "label", label: "Container" }, { key: "kind", label: "Kind" },
        { key: "held", label: "Held per snapshot", get: function (r) { return r.held_growth; }, fmt: function (v, r) { return [spark(r.held, 120, 28), r.held.map(int).join(" → ")]; } },
        { key: "held_growth", label: "Δ Held", num: true, fmt: function (v) { return signed(v); } },
        { key: "retained_size_last", label: "Retained (last)", num: true, fmt: function (v) { return v === null ? "" : size(v); } },
        { key: "holds_mostly", label: "Holds mostly" }, { key: "held_by", label: "Held by" }], d.containers, { sort: "held_growth" }));
    if (d.realms) realmSeries(section("Realms (growth --realms)", "realms"), d.realms);
  }

  /* hsnap contexts: dead closure variables per scope, largest first */
  function cut(t, n) { t = String(t); return t.length > n ? t.slice(0, n - 1) + "…" : t; }
  function contextsPage() {
    var d = data;
    overview("Dead closure variables", [d.file, d.has_scope_tables
      ? int(d.scope_count) + " scopes with dead variables; dead variables retain " + size(d.dead_retained_size)
      : "No closure-scope tables in this snapshot (written by current V8, e.g. Chromium 156, not by Node 20-22): dead closure variables cannot be determined."]);
    if (!d.has_scope_tables) return;
    var sec = section("Scopes", "scopes"), cards = el("div", { "class": "cards wide" });
    d.scopes.forEach(function (sc) {
      var dead = 0;
      sc.contexts.forEach(function (c) { dead += c.dead_retained_size; });
      var where = cut(rel(sc.script) || "script " + sc.script_id, 90) + " [" + sc.start + "–" + sc.end + "]";
      var card = el("div", { "class": "card bad" },
        el("h3", {}, (sc.function_name || "(anonymous scope)") + ": dead variables retain " + size(dead) + " in " + int(sc.contexts.length) + (sc.contexts.length === 1 ? " context" : " contexts")),
        el("div", { "class": "muted", title: sc.script || "" }, where));
      card.appendChild(table([
        { key: "id", label: "Context", get: function (r) { return r.id; }, fmt: function (v) { return "@" + v; } },
        { key: "retained_size", label: "Retained", num: true, fmt: size },
        { key: "dead_retained_size", label: "Dead retained", num: true, fmt: size },
        { key: "dead", label: "Dead variables", get: function (r) { return r.dead.length; }, fmt: function (v, r) {
          return r.dead.map(function (x) { return x.name + " → " + x.value_class + " @" + x.value_id + " (" + size(x.retained_size) + ")"; }).join(", ");
        } }], sc.contexts, { sort: "dead_retained_size" }));
      cards.appendChild(card);
    });
    if (!d.scopes.length) cards.appendChild(el("p", { "class": "muted" }, "No context keeps a variable that no live closure can read."));
    sec.appendChild(cards);
  }

  function realmSeries(sec, rows) {
    sec.appendChild(table([
      { key: "label", label: "Realm" }, { key: "id", label: "Id", fmt: function (v) { return v === null ? "" : "@" + v; } },
      { key: "sizes", label: "Attributed per snapshot", get: function (r) { return r.growth; }, fmt: function (v, r) {
        return [spark(r.attributed_sizes, 120, 28, true), r.attributed_sizes.map(size).join(" → ")]; } },
      { key: "growth", label: "Growth", num: true, fmt: function (v) { return signed(v, size); } }], rows, { sort: "growth" }));
  }

  /* hsnap realms: memory per native context; with several snapshots, which realm grew */
  function realmsPage() {
    var d = data;
    if (d.files) {
      overview("Realms over " + d.files.length + " snapshots", d.files.map(function (f, i) { return "#" + (i + 1) + ": " + f + " (" + size(d.total_sizes[i]) + ")"; }));
      if (d.violations && (d.violations.length || (d.rules && d.rules.length))) gate(d.violations);
      realmSeries(section("Attributed size per realm", "realms"), d.realms);
      return;
    }
    overview("Realms (native contexts)", [d.file, int(d.native_contexts.length) + " native contexts; shared " + size(d.shared_size) +
      ", unattributed " + size(d.unattributed_size) + ", total " + size(d.total_size)]);
    var rows = d.native_contexts.map(function (c) {
      return { label: c.global ? c.global.name + " @" + c.global.id : c.name, id: c.id, attributed_size: c.attributed_size,
               retained_size: c.retained_size, self_size: c.self_size };
    });
    rows.push({ label: "(shared)", id: null, attributed_size: d.shared_size, retained_size: null, self_size: null });
    rows.push({ label: "(unattributed)", id: null, attributed_size: d.unattributed_size, retained_size: null, self_size: null });
    var opt = function (v) { return v === null ? "" : size(v); };
    section("Realms", "realms").appendChild(table([
      { key: "label", label: "Realm (global)" }, { key: "id", label: "Native context", fmt: function (v) { return v === null ? "" : "@" + v; } },
      { key: "attributed_size", label: "Attributed", num: true, fmt: size },
      { key: "share", label: "Share", num: true, get: function (r) { return r.attributed_size; }, fmt: function (v) { return pct(v, d.total_size); } },
      { key: "retained_size", label: "Retained", num: true, fmt: opt }, { key: "self_size", label: "Self", num: true, fmt: opt }],
      rows, { sort: "attributed_size" }));
  }

  ({ summary: summaryPage, diff: diffPage, leaks: leaksPage, growth: growthPage, contexts: contextsPage, realms: realmsPage })[kind]();
  if (relUsed)
    document.getElementById("files").appendChild(el("div", { id: "script-dir" }, "Script paths are relative to " + scriptDir));
  document.body.setAttribute("data-ready", "1");
})();
