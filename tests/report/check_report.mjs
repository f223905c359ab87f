// Opens hsnap's HTML reports in a real headless Chromium over the DevTools
// protocol and checks the DOM after the page's script ran, the effect of
// clicks, and that the page makes no request at all.
//   node --experimental-websocket check_report.mjs CHROMIUM CHECKS.json [SHOTDIR]
// CHECKS.json: [{page, kind, expect: {...}}] (see run_report.sh).  Prints
// "ok"/"FAIL" lines and a closing "N passed, N failed" line; exit 1 on failure.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [chromePath, checksPath, shotDir] = process.argv.slice(2);
const checks = JSON.parse(readFileSync(checksPath, "utf8"));
let passed = 0, failed = 0;
const ok = (name) => { passed++; console.log("ok   " + name); };
const bad = (name, why) => { failed++; console.log("FAIL " + name + ": " + why); };
const expectEq = (name, got, want) =>
  JSON.stringify(got) === JSON.stringify(want) ? ok(name) : bad(name, "got " + JSON.stringify(got) + ", want " + JSON.stringify(want));

const profile = mkdtempSync(join(tmpdir(), "hsnap-chromium-"));
const chrome = spawn(chromePath, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--no-default-browser-check", "--remote-debugging-port=0", "--user-data-dir=" + profile,
  "--window-size=1280,800", "about:blank"], { stdio: ["ignore", "ignore", "pipe"] });
const timer = setTimeout(() => { console.log("FAIL: timed out"); chrome.kill("SIGKILL"); process.exit(1); }, 120000);

const wsUrl = await new Promise((resolve, reject) => {
  let err = "";
  chrome.stderr.on("data", (d) => {
    err += d;
    const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
    if (m) resolve(m[1]);
  });
  chrome.on("exit", (c) => reject(new Error("chromium exited " + c + ": " + err.slice(-500))));
});

const ws = new WebSocket(wsUrl);
await new Promise((r, j) => { ws.onopen = r; ws.onerror = j; });
let nextId = 1;
const pending = new Map(), listeners = [];
ws.onmessage = (ev) => {
  const m = JSON.parse(ev.data);
  if (m.id && pending.has(m.id)) {
    const { resolve, reject } = pending.get(m.id);
    pending.delete(m.id);
    m.error ? reject(new Error(JSON.stringify(m.error))) : resolve(m.result);
  } else if (m.method) listeners.forEach((f) => f(m));
};
const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
  const id = nextId++;
  pending.set(id, { resolve, reject });
  ws.send(JSON.stringify({ id, method, params, sessionId }));
});

async function openPage(file, width, height) {
  const { targetId } = await send("Target.createTarget", { url: "about:blank" });
  const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
  const requests = [], problems = [];
  const url = pathToFileURL(file).href;
  listeners.push((m) => {
    if (m.sessionId !== sessionId) return;
    if (m.method === "Network.requestWillBeSent" && m.params.request.url !== url) requests.push(m.params.request.url);
    if (m.method === "Runtime.exceptionThrown") problems.push(m.params.exceptionDetails.text + " " + JSON.stringify(m.params.exceptionDetails.exception || ""));
    if (m.method === "Log.entryAdded" && m.params.entry.level === "error") problems.push(m.params.entry.text);
    if (m.method === "Page.javascriptDialogOpening") { // an injected alert(): record and dismiss it
      problems.push("dialog: " + m.params.message);
      send("Page.handleJavaScriptDialog", { accept: false }, sessionId).catch(() => {});
    }
  });
  await send("Network.enable", {}, sessionId);
  await send("Runtime.enable", {}, sessionId);
  await send("Log.enable", {}, sessionId);
  await send("Page.enable", {}, sessionId);
  await send("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: 1, mobile: width < 500 }, sessionId);
  const loaded = new Promise((r) => listeners.push((m) => { if (m.sessionId === sessionId && m.method === "Page.loadEventFired") r(); }));
  await send("Page.navigate", { url }, sessionId);
  await loaded;
  const evalJs = async (expr) => {
    const r = await send("Runtime.evaluate", { expression: expr, returnByValue: true, awaitPromise: true }, sessionId);
    if (r.exceptionDetails) throw new Error(r.exceptionDetails.text + ": " + JSON.stringify(r.exceptionDetails.exception));
    return r.result.value;
  };
  return { sessionId, targetId, requests, problems, evalJs };
}

// DOM facts gathered in the page
const FACTS = `(() => {
  const q = (s) => Array.from(document.querySelectorAll(s));
  const tables = {};
  q("section").forEach((s) => {
    const t = s.querySelector("table"); if (!t) return;
    tables[s.id] = { head: Array.from(t.querySelectorAll("thead th")).map((th) => th.textContent),
      rows: Array.from(t.querySelectorAll("tbody tr")).map((tr) => Array.from(tr.children).map((td) => td.textContent)) };
  });
  return { ready: document.body.dataset.ready, title: document.getElementById("title").textContent,
    sections: q("section").map((s) => s.id), tables,
    cards: q(".card").map((c) => ({ cls: c.className, text: c.textContent })),
    rects: q(".tm rect").length, crumbs: q(".crumbs button").map((b) => b.textContent),
    titled: q("[title]").map((e) => [e.textContent, e.title]),
    imgs: q("img").length, scripts: q("script").length, injected: q("[onerror]").length,
    bodyText: document.body.innerText.slice(0, 200000) };
})()`;

for (const c of checks) {
  const name = c.name || c.page;
  let p;
  try {
    p = await openPage(c.page, c.width || 1280, c.height || 800);
    const f = await p.evalJs(FACTS);
    expectEq(name + ": script ran", f.ready, "1");
    expectEq(name + ": no request left the page", p.requests, []);
    expectEq(name + ": no script error", p.problems, []);
    expectEq(name + ": no <img> or on* attribute", [f.imgs, f.injected], [0, 0]);
    expectEq(name + ": two <script> elements only", f.scripts, 2);
    const e = c.expect || {};
    if (e.title) expectEq(name + ": title", f.title, e.title);
    for (const s of e.sections || []) f.sections.includes(s) ? ok(name + ": section " + s) : bad(name + ": section " + s, "missing; has " + f.sections);
    for (const [sec, rows] of Object.entries(e.rows || {})) {
      // every expected row (a prefix of cells) appears in that table
      const t = f.tables[sec];
      for (const r of rows) {
        const hit = t && t.rows.some((tr) => r.every((cell, i) => cell === null || tr[i] === cell));
        hit ? ok(name + ": " + sec + " row " + JSON.stringify(r)) : bad(name + ": " + sec + " row " + JSON.stringify(r), t ? "rows: " + JSON.stringify(t.rows.slice(0, 8)) : "no table");
      }
    }
    if (e.firstRow) for (const [sec, r] of Object.entries(e.firstRow)) expectEq(name + ": first row of " + sec, f.tables[sec] && f.tables[sec].rows[0].slice(0, r.length), r);
    for (const [re, want] of e.cards || []) {
      const hit = f.cards.filter((cd) => new RegExp(re).test(cd.text));
      hit.length && (!want || hit.every((h) => h.cls.includes(want))) ? ok(name + ": card /" + re + "/" + (want ? " " + want : "")) : bad(name + ": card /" + re + "/", JSON.stringify(f.cards.map((x) => x.cls + ": " + x.text.slice(0, 80))));
    }
    for (const t of e.text || []) f.bodyText.includes(t) ? ok(name + ": text " + JSON.stringify(t)) : bad(name + ": text " + JSON.stringify(t), "not on the page");
    for (const t of e.once || []) expectEq(name + ": " + JSON.stringify(t) + " once on the page", f.bodyText.split(t).length - 1, 1);
    for (const [t, title] of e.titled || []) f.titled.some((x) => x[0] === t && x[1] === title) ? ok(name + ": " + JSON.stringify(t) + " titled")
      : bad(name + ": " + JSON.stringify(t) + " titled " + JSON.stringify(title), JSON.stringify(f.titled.slice(0, 5)));
    if (e.treemap) {
      // one <rect> per node shown (children and, in large cells, grandchildren)
      const shown = await p.evalJs(`(() => {
        const d = JSON.parse(document.getElementById("hsnap-data").textContent).treemap.nodes;
        return document.querySelectorAll(".tm rect").length > 0 && Array.from(document.querySelectorAll(".tm rect")).every((r) => r.hasAttribute("data-id"));
      })()`);
      expectEq(name + ": treemap rects carry ids", shown, true);
      f.rects >= e.treemap.minRects ? ok(name + ": treemap has " + f.rects + " rects") : bad(name + ": treemap rects", f.rects);
      // drill down: click the largest rect that has children; the breadcrumb grows and the rects change
      const before = await p.evalJs(`Array.from(document.querySelectorAll(".tm rect")).map((r) => r.getAttribute("data-id")).join(",")`);
      await p.evalJs(`(() => { const r = document.querySelector(".tm rect[data-id='${e.treemap.drill}']"); r.dispatchEvent(new MouseEvent("click", { bubbles: true })); return 1; })()`);
      const after = await p.evalJs(`({ ids: Array.from(document.querySelectorAll(".tm rect")).map((r) => r.getAttribute("data-id")).join(","), crumbs: Array.from(document.querySelectorAll(".crumbs button")).map((b) => b.textContent) })`);
      after.ids !== before && after.crumbs.length === 2 ? ok(name + ": drill down into @" + e.treemap.drill) : bad(name + ": drill down", JSON.stringify(after.crumbs));
      await p.evalJs(`document.querySelector(".crumbs button").click(), 1`);
      expectEq(name + ": breadcrumb back up", await p.evalJs(`Array.from(document.querySelectorAll(".tm rect")).map((r) => r.getAttribute("data-id")).join(",")`), before);
      // keyboard: the rects take focus
      expectEq(name + ": treemap rects focusable", await p.evalJs(`(() => { const r = document.querySelector(".tm rect"); r.focus(); return document.activeElement === r; })()`), true);
    }
    if (e.sortBy) {
      // clicking a header sorts the table by that column, largest first
      const [sec, col] = e.sortBy;
      const vals = await p.evalJs(`(() => {
        const s = document.getElementById(${JSON.stringify(sec)}), ths = Array.from(s.querySelectorAll("thead th"));
        const i = ths.findIndex((th) => th.textContent === ${JSON.stringify(col)});
        ths[i].querySelector("button").click();
        return { sort: ths[i].getAttribute("aria-sort"), first: Array.from(s.querySelectorAll("tbody tr")).slice(0, 3).map((tr) => tr.children[i].textContent) };
      })()`);
      expectEq(name + ": sort by " + col, vals.sort, "descending");
      if (e.sortFirst) expectEq(name + ": first rows after sorting by " + col, vals.first, e.sortFirst);
    }
    if (e.filter) {
      const [sec, word, rows] = e.filter;
      const n = await p.evalJs(`(() => { const s = document.getElementById(${JSON.stringify(sec)}), i = s.querySelector("input[type=search]");
        i.value = ${JSON.stringify(word)}; i.dispatchEvent(new Event("input")); return Array.from(s.querySelectorAll("tbody tr")).map((tr) => tr.children[0].textContent); })()`);
      expectEq(name + ": filter '" + word + "'", n, rows);
    }
    if (shotDir && c.shot) {
      const { data } = await send("Page.captureScreenshot", { format: "png", captureBeyondViewport: false }, p.sessionId);
      writeFileSync(join(shotDir, c.shot), Buffer.from(data, "base64"));
    }
  } catch (err) {
    bad(name, String(err && err.stack || err));
  }
  if (p) await send("Target.closeTarget", { targetId: p.targetId }).catch(() => {});
}
clearTimeout(timer);
ws.close();
chrome.kill("SIGKILL");
await new Promise((r) => setTimeout(r, 200));
rmSync(profile, { recursive: true, force: true });
console.log(passed + " passed, " + failed + " failed");
process.exit(failed ? 1 : 0);
