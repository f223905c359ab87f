#!/usr/bin/env node
// compare.mjs DEVTOOLS_JSON HSNAP_EXPORT_JSONL HSNAP_SUMMARY_JSON [--name NAME]
// compare.mjs --self-test DEVTOOLS_JSON
//
// Compares what Chrome DevTools computes for a heap snapshot (output of devtools_dump.mjs)
// with what hsnap computes (`hsnap export FILE --format json` JSON Lines, one node per line in
// node ordinal order, and `hsnap summary FILE --format json`).
// Checks: node_count, edge_count, total_size; statistics field by field; per node: id,
// edge_count, self_size, retained_size, class, distance (hsnap null <=> DevTools -5); per class
// NAME: count, self_size and min distance vs. the sum/min over all DevTools class keys with that
// name (DevTools keys `object` nodes by allocation location + name); class retained_size only
// where DevTools has exactly one key for the name (others are counted as "not comparable").
// Prints every mismatch kind with its first 20 mismatches; exit 1 on any mismatch, else 0.
// --self-test proves the comparator can both pass and fail (see selfTest()).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';

const MAX_SHOWN = 20;
const UNREACHABLE = -5; // DevTools' #noDistance

const STAT_MAP = [ // [hsnap key, getter on DevTools statistics]
  ['total', (s) => s.total],
  ['v8_heap', (s) => s.v8heap?.total],
  ['native', (s) => s.native?.total],
  ['code', (s) => s.v8heap?.code],
  ['strings', (s) => s.v8heap?.strings],
  ['js_arrays', (s) => s.v8heap?.jsArrays],
  ['typed_arrays', (s) => s.native?.typedArrays],
  ['system', (s) => s.v8heap?.system],
];

class Report {
  constructor() { this.kinds = new Map(); }
  add(kind, msg) {
    let k = this.kinds.get(kind);
    if (!k) this.kinds.set(kind, (k = { n: 0, shown: [] }));
    k.n++;
    if (k.shown.length < MAX_SHOWN) k.shown.push(msg);
  }
  get total() { let t = 0; for (const k of this.kinds.values()) t += k.n; return t; }
  print(out = console.log) {
    for (const [kind, k] of this.kinds) {
      out(`  ${kind}: ${k.n} mismatch(es)${k.n > k.shown.length ? ` (first ${k.shown.length} shown)` : ''}`);
      for (const m of k.shown) out('    ' + m);
    }
  }
}

const fmt = (v) => (v === undefined ? 'missing' : JSON.stringify(v));

async function* readJsonLines(file) {
  const rl = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === '') continue;
    let obj;
    try { obj = JSON.parse(line); } catch (e) { throw new Error(`${file}:${lineNo}: invalid JSON: ${e.message}`); }
    yield obj;
  }
}

function aggregateDevToolsClasses(dt) {
  const byName = new Map();
  for (const c of dt.classes) {
    let a = byName.get(c.name);
    if (!a) byName.set(c.name, (a = { count: 0, self_size: 0, distance: Infinity, keys: 0, retained_size: 0 }));
    a.count += c.count; a.self_size += c.self_size; a.keys++;
    a.distance = Math.min(a.distance, c.distance);
    a.retained_size = c.retained_size; // meaningful only when keys === 1
  }
  return byName;
}

// dt: parsed devtools dump; exportLines: async iterable of hsnap export objects; summary: parsed
export async function compareData(dt, exportLines, summary) {
  const r = new Report();
  const info = { nodes: dt.node_count, classes: 0, notComparable: 0, wideIds: 0 };
  for (const f of ['node_count', 'edge_count', 'total_size']) {
    if (summary[f] !== dt[f]) r.add('header.' + f, `devtools=${fmt(dt[f])} hsnap=${fmt(summary[f])}`);
  }
  const st = summary.statistics || {};
  for (const [k, get] of STAT_MAP) {
    const want = get(dt.statistics);
    if (st[k] !== want) r.add('statistics.' + k, `devtools=${fmt(want)} hsnap=${fmt(st[k])}`);
  }

  // ---- per node
  const N = dt.nodes;
  let ord = 0;
  for await (const o of exportLines) {
    if (ord >= dt.node_count) { ord++; continue; }
    const cls = N.class[ord];
    const where = `ordinal ${ord} id ${N.id ? N.id[ord] : '?'} class ${JSON.stringify(cls)}`;
    // DevTools keeps node fields in a Uint32Array, so an id beyond 32 bits (Julia's) wraps
    // there; hsnap keeps it exact.  Equal modulo 2^32 is a match, counted in the summary line.
    if (N.id && o.id !== N.id[ord]) {
      if (Number.isSafeInteger(o.id) && o.id > 0xffffffff && o.id % 0x100000000 === N.id[ord]) info.wideIds++;
      else r.add('node.id', `${where}: devtools=${N.id[ord]} hsnap=${fmt(o.id)}`);
    }
    if (N.edge_count && o.edge_count !== N.edge_count[ord]) r.add('node.edge_count', `${where}: devtools=${N.edge_count[ord]} hsnap=${fmt(o.edge_count)}`);
    if (o.self_size !== N.self_size[ord]) r.add('node.self_size', `${where}: devtools=${N.self_size[ord]} hsnap=${fmt(o.self_size)}`);
    if (o.retained_size !== N.retained_size[ord]) r.add('node.retained_size', `${where}: devtools=${N.retained_size[ord]} hsnap=${fmt(o.retained_size)}`);
    if (o.class !== cls) r.add('node.class', `${where}: devtools=${JSON.stringify(cls)} hsnap=${fmt(o.class)}`);
    const d = N.distance[ord];
    const want = d === UNREACHABLE ? null : d;
    if (o.distance !== want) r.add('node.distance', `${where}: devtools=${d}${d === UNREACHABLE ? ' (unreachable => null)' : ''} hsnap=${fmt(o.distance)}`);
    ord++;
  }
  if (ord !== dt.node_count) r.add('node.lines', `devtools has ${dt.node_count} nodes, hsnap export has ${ord} lines`);

  // ---- per class name
  const dtByName = aggregateDevToolsClasses(dt);
  const hsByName = new Map();
  for (const c of summary.classes || []) {
    if (hsByName.has(c.name)) { r.add('class.duplicate', `hsnap lists class ${JSON.stringify(c.name)} more than once`); continue; }
    hsByName.set(c.name, c);
  }
  info.classes = dtByName.size;
  for (const [name, a] of dtByName) {
    const h = hsByName.get(name);
    const where = `class ${JSON.stringify(name)} (${a.keys} devtools key${a.keys > 1 ? 's' : ''})`;
    if (!h) { r.add('class.missing_in_hsnap', `${where}: devtools count=${a.count} self=${a.self_size}`); continue; }
    if (h.count !== a.count) r.add('class.count', `${where}: devtools=${a.count} hsnap=${fmt(h.count)}`);
    if (h.self_size !== a.self_size) r.add('class.self_size', `${where}: devtools=${a.self_size} hsnap=${fmt(h.self_size)}`);
    if ('distance' in h) {
      const dd = a.distance === UNREACHABLE ? null : a.distance;
      if (h.distance !== dd) r.add('class.distance', `${where}: devtools(min)=${a.distance} hsnap=${fmt(h.distance)}`);
    }
    if (a.keys === 1) {
      if (h.retained_size !== a.retained_size) r.add('class.retained_size', `${where}: devtools=${a.retained_size} hsnap=${fmt(h.retained_size)}`);
    } else {
      info.notComparable++;
    }
  }
  for (const [name, h] of hsByName) {
    if (!dtByName.has(name)) r.add('class.extra_in_hsnap', `class ${JSON.stringify(name)}: hsnap count=${h.count} self=${h.self_size}, not a DevTools class (DevTools skips self_size==0 nodes)`);
  }
  return { report: r, info };
}

export async function compareFiles(dtFile, exportFile, summaryFile) {
  const dt = JSON.parse(fs.readFileSync(dtFile, 'utf8'));
  const summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8'));
  return { ...(await compareData(dt, readJsonLines(exportFile), summary)), dt, summary };
}

function displayName(summary, fallbackFile) {
  const f = (summary && summary.file) || fallbackFile;
  return path.basename(f).replace(/\.gz$/, '').replace(/\.(heap)?snapshot$/, '').replace(/\.json$/, '');
}

function summaryLine(name, res) {
  const { report, info } = res;
  const nc = (info.notComparable ? `, ${info.notComparable} class retained sizes not comparable` : '') +
    (info.wideIds ? `, ${info.wideIds} ids beyond 32 bits (DevTools wraps them, equal mod 2^32)` : '');
  if (!report.total) return `parity: ${name}: ${info.nodes} nodes, ${info.classes} classes${nc}: OK`;
  const kinds = [...report.kinds].map(([k, v]) => `${k}=${v.n}`).join(' ');
  return `parity: ${name}: ${info.nodes} nodes, ${info.classes} classes${nc}: FAIL (${report.total} mismatches: ${kinds})`;
}

// ------------------------------------------------------------------------- self-test
export function writeHsnapFiles(dt, dir, mutate = {}) {
  const exportFile = path.join(dir, 'export.jsonl');
  const summaryFile = path.join(dir, 'summary.json');
  const fd = fs.openSync(exportFile, 'w');
  const N = dt.nodes;
  let chunk = [];
  for (let i = 0; i < dt.node_count; i++) {
    let ret = N.retained_size[i];
    if (mutate.nodeRetained === i) ret += 8;
    chunk.push(JSON.stringify({ id: N.id[i], type: 'object', name: N.class[i], class: N.class[i],
      self_size: N.self_size[i], retained_size: ret, distance: N.distance[i] === UNREACHABLE ? null : N.distance[i],
      edge_count: N.edge_count[i], detachedness: 0 }));
    if (chunk.length >= 10000) { fs.writeSync(fd, chunk.join('\n') + '\n'); chunk = []; }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  fs.closeSync(fd);
  const s = dt.statistics;
  const classes = [];
  for (const [name, a] of aggregateDevToolsClasses(dt)) {
    classes.push({ name, count: a.count + (mutate.classCount === name ? 1 : 0), self_size: a.self_size,
      retained_size: a.keys === 1 ? a.retained_size + (mutate.classRetained === name ? 16 : 0) : -1,
      distance: a.distance === UNREACHABLE ? null : a.distance });
  }
  const summary = { file: 'self-test.heapsnapshot', node_count: dt.node_count, edge_count: dt.edge_count,
    total_size: dt.total_size,
    statistics: Object.fromEntries(STAT_MAP.map(([k, get]) => [k, get(s)])), classes, top: [] };
  fs.writeFileSync(summaryFile, JSON.stringify(summary));
  return { exportFile, summaryFile };
}

async function selfTest(dtFile) {
  const dt = JSON.parse(fs.readFileSync(dtFile, 'utf8'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hsnap-parity-selftest-'));
  const fail = (msg) => { console.error('compare self-test FAILED: ' + msg); fs.rmSync(dir, { recursive: true, force: true }); process.exit(1); };
  try {
    // 1. faithful conversion must compare equal
    let f = writeHsnapFiles(dt, dir);
    let res = await compareFiles(dtFile, f.exportFile, f.summaryFile);
    if (res.report.total) { res.report.print(console.error); fail('unmodified conversion reported mismatches'); }
    // 2. mutate one node retained size, one class count, one class retained size
    const nodeOrd = Math.floor(dt.node_count / 2);
    const byName = aggregateDevToolsClasses(dt);
    const names = [...byName.keys()];
    const countName = names[Math.floor(names.length / 3)];
    const retName = names.find((n) => byName.get(n).keys === 1 && n !== countName);
    if (retName === undefined) fail('no single-key class found');
    f = writeHsnapFiles(dt, dir, { nodeRetained: nodeOrd, classCount: countName, classRetained: retName });
    res = await compareFiles(dtFile, f.exportFile, f.summaryFile);
    const got = [...res.report.kinds].map(([k, v]) => `${k}:${v.n}`).sort().join(' ');
    const want = 'class.count:1 class.retained_size:1 node.retained_size:1';
    if (got !== want) { res.report.print(console.error); fail(`expected mismatches "${want}", got "${got}"`); }
    const k = res.report.kinds;
    if (!k.get('node.retained_size').shown[0].startsWith(`ordinal ${nodeOrd} `)) fail('wrong node reported: ' + k.get('node.retained_size').shown[0]);
    if (!k.get('class.count').shown[0].startsWith(`class ${JSON.stringify(countName)} `)) fail('wrong class reported: ' + k.get('class.count').shown[0]);
    if (!k.get('class.retained_size').shown[0].startsWith(`class ${JSON.stringify(retName)} `)) fail('wrong class reported: ' + k.get('class.retained_size').shown[0]);
    console.log(`compare self-test: OK (${dt.node_count} nodes; clean run passes; injected mismatches detected: ${want})`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === '--self-test') {
    if (!argv[1]) { console.error('usage: compare.mjs --self-test DEVTOOLS_JSON'); process.exit(2); }
    return selfTest(argv[1]);
  }
  let name;
  const ni = argv.indexOf('--name');
  if (ni >= 0) { name = argv[ni + 1]; argv.splice(ni, 2); }
  if (argv.length !== 3) { console.error('usage: compare.mjs DEVTOOLS_JSON HSNAP_EXPORT_JSONL HSNAP_SUMMARY_JSON [--name NAME]'); process.exit(2); }
  const res = await compareFiles(argv[0], argv[1], argv[2]);
  name = name || displayName(res.summary, argv[0]);
  if (res.report.total) res.report.print();
  console.log(summaryLine(name, res));
  process.exit(res.report.total ? 1 : 0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => { console.error('compare.mjs:', e && e.stack || e); process.exit(2); });
}
