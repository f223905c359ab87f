#!/usr/bin/env node
// compare2026.mjs DEVTOOLS_JSON HSNAP_CONTEXTS_JSON HSNAP_REALMS_JSON [--name NAME]
// compare2026.mjs --self-test DEVTOOLS_JSON
//
// Compares the 2026 DevTools worker's analyzeContexts and getNativeContextSizes (output of
// devtools2026_dump.mjs) with `hsnap contexts --top 0 --format json` and
// `hsnap realms --format json`:
//   contexts: has_scope_tables; every scope in order (script name, script id, ScopeInfo id,
//     start, end, function name, context field count), its contexts in order (id, retained
//     size, dead retained size) and their dead variables in order (name, value id, value
//     class = DevTools' className() of that node, self size, retained size);
//     scriptsWithoutScopes (name, id, context count);
//   realms: every native context in order (id, name, attributed, retained, self size),
//     shared size, unattributed size.
// Prints each mismatch (first 20 per kind); exit 1 on any, else 0.
import fs from 'node:fs';

const MAX_SHOWN = 20;
class Report {
  constructor() { this.kinds = new Map(); }
  add(kind, msg) {
    let k = this.kinds.get(kind);
    if (!k) this.kinds.set(kind, (k = { n: 0, shown: [] }));
    k.n++;
    if (k.shown.length < MAX_SHOWN) k.shown.push(msg);
  }
  get total() { let t = 0; for (const k of this.kinds.values()) t += k.n; return t; }
  print() {
    for (const [kind, k] of this.kinds) {
      console.log(`  ${kind}: ${k.n} mismatch(es)`);
      for (const m of k.shown) console.log('    ' + m);
    }
  }
}

function eq(r, kind, where, a, b) {
  if (a !== b) r.add(kind, `${where}: devtools ${JSON.stringify(a)} hsnap ${JSON.stringify(b)}`);
}

export function compare(dt, hc, hr) {
  const r = new Report();
  const classById = new Map();
  dt.nodes.id.forEach((id, i) => classById.set(id, dt.nodes.class[i]));
  const cx = dt.contexts;
  eq(r, 'contexts.has_scope_tables', 'file', dt.has_scope_tables, hc.has_scope_tables);
  eq(r, 'contexts.scope_count', 'file', cx.scopes.length, hc.scopes.length);
  const ns = Math.min(cx.scopes.length, hc.scopes.length);
  for (let i = 0; i < ns; i++) {
    const d = cx.scopes[i], h = hc.scopes[i], w = `scope[${i}]`;
    eq(r, 'scope.script', w, d.scriptName, h.script);
    eq(r, 'scope.script_id', w, d.scriptNodeId, h.script_id);
    eq(r, 'scope.scope_info_id', w, d.scopeInfoNodeId, h.scope_info_id);
    eq(r, 'scope.start', w, d.scopeStart, h.start);
    eq(r, 'scope.end', w, d.scopeEnd, h.end);
    eq(r, 'scope.function_name', w, d.scopeName ?? null, h.function_name);
    eq(r, 'scope.context_field_count', w, d.contextFieldCount, h.context_field_count);
    eq(r, 'scope.context_count', w, d.contexts.length, h.contexts.length);
    const nc = Math.min(d.contexts.length, h.contexts.length);
    for (let j = 0; j < nc; j++) {
      const dc = d.contexts[j], hcx = h.contexts[j], wc = `${w}.context[${j}]`;
      eq(r, 'context.id', wc, dc.contextNodeId, hcx.id);
      eq(r, 'context.retained_size', wc, dc.retainedSize, hcx.retained_size);
      eq(r, 'context.dead_retained_size', wc, dc.deadFieldsRetainedSizeSum, hcx.dead_retained_size);
      eq(r, 'context.dead_count', wc, dc.deadFields.length, hcx.dead.length);
      const nd = Math.min(dc.deadFields.length, hcx.dead.length);
      for (let k = 0; k < nd; k++) {
        const df = dc.deadFields[k], hf = hcx.dead[k], wf = `${wc}.dead[${k}]`;
        eq(r, 'dead.name', wf, df.name, hf.name);
        eq(r, 'dead.value_id', wf, df.valueNodeId, hf.value_id);
        eq(r, 'dead.value_class', wf, classById.get(df.valueNodeId), hf.value_class);
        eq(r, 'dead.value_type', wf, df.valueType, hf.value_type);
        eq(r, 'dead.self_size', wf, df.selfSize, hf.self_size);
        eq(r, 'dead.retained_size', wf, df.retainedSize, hf.retained_size);
      }
    }
  }
  eq(r, 'contexts.scripts_without_scopes', 'file', cx.scriptsWithoutScopes.length, hc.scripts_without_scopes.length);
  cx.scriptsWithoutScopes.forEach((d, i) => {
    const h = hc.scripts_without_scopes[i];
    if (!h) return;
    eq(r, 'no_scopes.script', `script[${i}]`, d.scriptName, h.script);
    eq(r, 'no_scopes.script_id', `script[${i}]`, d.scriptNodeId, h.script_id);
    eq(r, 'no_scopes.contexts', `script[${i}]`, d.contextCount, h.contexts);
  });
  const nx = dt.native_context_sizes;
  eq(r, 'realms.count', 'file', nx.nativeContexts.length, hr.native_contexts.length);
  nx.nativeContexts.forEach((d, i) => {
    const h = hr.native_contexts[i];
    if (!h) return;
    const w = `native_context[${i}]`;
    eq(r, 'realm.id', w, d.nodeId, h.id);
    eq(r, 'realm.name', w, d.nodeName, h.name);
    eq(r, 'realm.attributed_size', w, d.attributedSize, h.attributed_size);
    eq(r, 'realm.retained_size', w, d.retainedSize, h.retained_size);
    eq(r, 'realm.self_size', w, d.selfSize, h.self_size);
  });
  eq(r, 'realms.shared_size', 'file', nx.sharedSize, hr.shared_size);
  eq(r, 'realms.unattributed_size', 'file', nx.noAttributionSize, hr.unattributed_size);
  return r;
}

function selfTest(dt) {
  // The reference against its own translation must pass; one changed number per kind must fail.
  const asHsnap = () => ({
    has_scope_tables: dt.has_scope_tables,
    scopes: dt.contexts.scopes.map((s) => ({
      script: s.scriptName, script_id: s.scriptNodeId, scope_info_id: s.scopeInfoNodeId, start: s.scopeStart,
      end: s.scopeEnd, function_name: s.scopeName ?? null, context_field_count: s.contextFieldCount,
      contexts: s.contexts.map((c) => ({ id: c.contextNodeId, retained_size: c.retainedSize,
        dead_retained_size: c.deadFieldsRetainedSizeSum,
        dead: c.deadFields.map((f) => ({ name: f.name, value_id: f.valueNodeId,
          value_class: dt.nodes.class[dt.nodes.id.indexOf(f.valueNodeId)], value_type: f.valueType,
          self_size: f.selfSize, retained_size: f.retainedSize })) })) })),
    scripts_without_scopes: dt.contexts.scriptsWithoutScopes.map((s) => ({ script: s.scriptName, script_id: s.scriptNodeId, contexts: s.contextCount })),
  });
  const realms = () => ({
    native_contexts: dt.native_context_sizes.nativeContexts.map((c) => ({ id: c.nodeId, name: c.nodeName,
      attributed_size: c.attributedSize, retained_size: c.retainedSize, self_size: c.selfSize })),
    shared_size: dt.native_context_sizes.sharedSize, unattributed_size: dt.native_context_sizes.noAttributionSize,
  });
  if (compare(dt, asHsnap(), realms()).total) return 'a clean run reports mismatches';
  const hr = realms();
  hr.shared_size++;
  if (!compare(dt, asHsnap(), hr).total) return 'a changed shared size went unnoticed';
  if (dt.contexts.scopes.length) {
    const hc = asHsnap();
    hc.scopes[0].contexts[0].dead[0].retained_size++;
    if (!compare(dt, hc, realms()).total) return 'a changed dead retained size went unnoticed';
    const hc2 = asHsnap();
    hc2.scopes[0].contexts[0].dead.pop();
    if (!compare(dt, hc2, realms()).total) return 'a missing dead variable went unnoticed';
  }
  return null;
}

// --filters DEVTOOLS_JSON DIR NAME: for every filter K of the dump, DIR/filter-K.json is
// `hsnap summary --filter K --format json`; per class name: count, self size, min distance
// (sums / min over DevTools' class keys), retained size where DevTools has one key.
export function compareFilter(rows, summary, r, filter) {
  const dt = new Map();
  for (const c of rows) {
    let a = dt.get(c.name);
    if (!a) dt.set(c.name, (a = { count: 0, self_size: 0, distance: Infinity, keys: 0, retained_size: 0 }));
    a.count += c.count; a.self_size += c.self_size; a.keys++;
    a.distance = Math.min(a.distance, c.distance);
    a.retained_size = c.retained_size;
  }
  const hs = new Map((summary.classes || []).map((c) => [c.name, c]));
  if (summary.filter !== filter) r.add('filter.name', `summary says filter ${JSON.stringify(summary.filter)}, wanted ${filter}`);
  for (const [name, a] of dt) {
    const h = hs.get(name), w = `${filter}: class ${JSON.stringify(name)}`;
    if (!h) { r.add('filter.class_missing', `${w}: devtools count=${a.count}`); continue; }
    eq(r, 'filter.count', w, a.count, h.count);
    eq(r, 'filter.self_size', w, a.self_size, h.self_size);
    eq(r, 'filter.distance', w, a.distance, h.distance);
    if (a.keys === 1) eq(r, 'filter.retained_size', w, a.retained_size, h.retained_size);
  }
  for (const [name, h] of hs) if (!dt.has(name)) r.add('filter.class_extra', `${filter}: class ${JSON.stringify(name)} hsnap count=${h.count}`);
  return dt.size;
}

// --sites DEVTOOLS_JSON SUMMARY_JSON NAME: `hsnap summary --group site --format json` row by
// row against DevTools' class keys: every key, its count, self size, retained size, distance.
export function compareSites(dt, summary, r) {
  const hs = new Map();
  for (const c of summary.classes || []) {
    if (hs.has(c.key)) r.add('site.duplicate', `hsnap lists key ${JSON.stringify(c.key)} twice`);
    hs.set(c.key, c);
  }
  for (const c of dt.classes) {
    const h = hs.get(c.key), w = `key ${JSON.stringify(c.key)}`;
    if (!h) { r.add('site.missing_in_hsnap', `${w}: devtools count=${c.count}`); continue; }
    eq(r, 'site.name', w, c.name, h.name);
    eq(r, 'site.count', w, c.count, h.count);
    eq(r, 'site.self_size', w, c.self_size, h.self_size);
    eq(r, 'site.retained_size', w, c.retained_size, h.retained_size);
    eq(r, 'site.distance', w, c.distance, h.distance);
  }
  const keys = new Set(dt.classes.map((c) => c.key));
  for (const k of hs.keys()) if (!keys.has(k)) r.add('site.extra_in_hsnap', `key ${JSON.stringify(k)}`);
  return dt.classes.length;
}

// --realms-pair DT_A DT_B HSNAP_JSON NAME: `hsnap realms A B --format json` against the two
// dumps: every native context's attributed size in each snapshot (matched by id), shared and
// unattributed sizes, and the growth B - A of each row.
export function compareRealmsPair(da, db, h, r) {
  const byId = new Map((h.realms || []).filter((x) => x.id !== null).map((x) => [x.id, x]));
  const pseudo = new Map((h.realms || []).filter((x) => x.id === null).map((x) => [x.label, x]));
  const want = new Map();
  [da, db].forEach((d, k) => {
    for (const c of d.native_context_sizes.nativeContexts) {
      if (!want.has(c.nodeId)) want.set(c.nodeId, [null, null]);
      want.get(c.nodeId)[k] = c.attributedSize;
    }
  });
  for (const [id, sizes] of want) {
    const x = byId.get(id), w = `realm @${id}`;
    if (!x) { r.add('pair.realm_missing', w); continue; }
    eq(r, 'pair.attributed', `${w} #1`, sizes[0], x.attributed_sizes[0]);
    eq(r, 'pair.attributed', `${w} #2`, sizes[1], x.attributed_sizes[1]);
    eq(r, 'pair.growth', w, (sizes[1] ?? 0) - (sizes[0] ?? 0), x.growth);
  }
  if (byId.size !== want.size) r.add('pair.realm_count', `devtools ${want.size} hsnap ${byId.size}`);
  for (const [label, key] of [['(shared)', 'sharedSize'], ['(unattributed)', 'noAttributionSize']]) {
    const x = pseudo.get(label);
    if (!x) { r.add('pair.pseudo_missing', label); continue; }
    const a = da.native_context_sizes[key], b = db.native_context_sizes[key];
    eq(r, 'pair.pseudo', `${label} #1`, a, x.attributed_sizes[0]);
    eq(r, 'pair.pseudo', `${label} #2`, b, x.attributed_sizes[1]);
    eq(r, 'pair.growth', label, b - a, x.growth);
  }
  return want.size;
}

const args = process.argv.slice(2);
if (args[0] === '--realms-pair') {
  const [da, db, h] = args.slice(1, 4).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
  const r = new Report();
  const n = compareRealmsPair(da, db, h, r);
  if (r.total) {
    console.log(`parity2026 realms pair: ${args[4]}: FAIL (${r.total} mismatches)`);
    r.print();
    process.exit(1);
  }
  console.log(`parity2026 realms pair: ${args[4]}: ${n} realms over 2 snapshots: OK`);
  process.exit(0);
}
if (args[0] === '--sites') {
  const dt = JSON.parse(fs.readFileSync(args[1], 'utf8'));
  const summary = JSON.parse(fs.readFileSync(args[2], 'utf8'));
  const r = new Report();
  const n = compareSites(dt, summary, r);
  if (r.total) {
    console.log(`parity2026 --group site: ${args[3]}: FAIL (${r.total} mismatches)`);
    r.print();
    process.exit(1);
  }
  console.log(`parity2026 --group site: ${args[3]}: ${n} DevTools rows: OK`);
  process.exit(0);
}
if (args[0] === '--filters') {
  const dt = JSON.parse(fs.readFileSync(args[1], 'utf8'));
  const r = new Report();
  const parts = [];
  for (const [k, rows] of Object.entries(dt.filters)) {
    const summary = JSON.parse(fs.readFileSync(`${args[2]}/filter-${k}.json`, 'utf8'));
    parts.push(`${k} ${compareFilter(rows, summary, r, k)}`);
  }
  if (r.total) {
    console.log(`parity2026 filters: ${args[3]}: FAIL (${r.total} mismatches)`);
    r.print();
    process.exit(1);
  }
  console.log(`parity2026 filters: ${args[3]}: classes per filter: ${parts.join(', ')}: OK`);
  process.exit(0);
}
// --diff-filters DT_A DT_B DIR PAIR: for every filter K of both dumps, DIR/diff-K.json is
// `hsnap diff A B --filter K --format json`: each class DevTools' filtered aggregates give
// different values on A and B (count, self size; retained size where DevTools has one key)
// is a row with A's and B's values; a row hsnap lists has them; a class it does not list
// has the same count and self size on both sides.
function aggregates(rows) {
  const m = new Map();
  for (const c of rows) {
    let a = m.get(c.name);
    if (!a) m.set(c.name, (a = { count: 0, self_size: 0, keys: 0, retained_size: 0 }));
    a.count += c.count; a.self_size += c.self_size; a.keys++; a.retained_size = c.retained_size;
  }
  return m;
}
if (args[0] === '--diff-filters') {
  const da = JSON.parse(fs.readFileSync(args[1], 'utf8')), db = JSON.parse(fs.readFileSync(args[2], 'utf8'));
  const r = new Report();
  const parts = [];
  const none = { count: 0, self_size: 0, keys: 1, retained_size: 0 };
  for (const k of Object.keys(da.filters)) {
    if (!db.filters[k]) continue;
    const d = JSON.parse(fs.readFileSync(`${args[3]}/diff-${k}.json`, 'utf8'));
    const A = aggregates(da.filters[k]), B = aggregates(db.filters[k]);
    const hs = new Map((d.classes || []).map((c) => [c.name, c]));
    if (d.filter !== k) r.add('diff_filter.name', `diff says filter ${JSON.stringify(d.filter)}, wanted ${k}`);
    let changed = 0;
    for (const name of new Set([...A.keys(), ...B.keys()])) {
      const a = A.get(name) || none, b = B.get(name) || none, h = hs.get(name), w = `${k}: class ${JSON.stringify(name)}`;
      const differs = a.count !== b.count || a.self_size !== b.self_size ||
        (a.keys === 1 && b.keys === 1 && a.retained_size !== b.retained_size);
      if (differs) changed++;
      if (!h) { if (differs) r.add('diff_filter.class_missing', `${w}: devtools A count=${a.count} B count=${b.count}`); continue; }
      eq(r, 'diff_filter.count_a', w, a.count, h.count_a);
      eq(r, 'diff_filter.count_b', w, b.count, h.count_b);
      eq(r, 'diff_filter.self_a', w, a.self_size, h.self_a);
      eq(r, 'diff_filter.self_b', w, b.self_size, h.self_b);
      if (a.keys === 1) eq(r, 'diff_filter.retained_a', w, a.retained_size, h.retained_a);
      if (b.keys === 1) eq(r, 'diff_filter.retained_b', w, b.retained_size, h.retained_b);
      eq(r, 'diff_filter.count_delta', w, b.count - a.count, h.count_delta);
      eq(r, 'diff_filter.self_delta', w, b.self_size - a.self_size, h.self_delta);
    }
    for (const [name, h] of hs) if (!A.has(name) && !B.has(name)) r.add('diff_filter.class_extra', `${k}: class ${JSON.stringify(name)} count_b=${h.count_b}`);
    parts.push(`${k} ${changed}`);
  }
  if (r.total) {
    console.log(`parity2026 diff --filter: ${args[4]}: FAIL (${r.total} mismatches)`);
    r.print();
    process.exit(1);
  }
  console.log(`parity2026 diff --filter: ${args[4]}: classes changed per filter: ${parts.join(', ')}: OK`);
  process.exit(0);
}
if (args[0] === '--self-test') {
  const dt = JSON.parse(fs.readFileSync(args[1], 'utf8'));
  const why = selfTest(dt);
  console.log(why ? `compare2026 self-test: FAILED (${why})` : 'compare2026 self-test: OK');
  process.exit(why ? 1 : 0);
}
const ni = args.indexOf('--name');
const name = ni >= 0 ? args[ni + 1] : args[0];
const dt = JSON.parse(fs.readFileSync(args[0], 'utf8'));
const hc = JSON.parse(fs.readFileSync(args[1], 'utf8'));
const hr = JSON.parse(fs.readFileSync(args[2], 'utf8'));
const r = compare(dt, hc, hr);
const dead = dt.contexts.scopes.reduce((t, s) => t + s.contexts.reduce((u, c) => u + c.deadFields.length, 0), 0);
if (r.total) {
  console.log(`parity2026 contexts/realms: ${name}: FAIL (${r.total} mismatches)`);
  r.print();
  process.exit(1);
}
console.log(`parity2026 contexts/realms: ${name}: ${dt.contexts.scopes.length} scopes, ${dead} dead variables, ` +
            `${dt.native_context_sizes.nativeContexts.length} realms: OK`);
