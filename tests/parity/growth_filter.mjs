#!/usr/bin/env node
// growth_filter.mjs DIR N: checks `hsnap growth --filter K` against DevTools' named
// filters, per snapshot.  DIR holds d1.json .. dN.json (devtools2026_dump.mjs of the
// series S1 .. SN: DevTools' class rows, unfiltered and of every named filter) and
// hsnap's answers: g.json (no filter), g-K.json (--filter K) and g0-K.json
// (--filter K --min-steps 0), all --format json.
// The expected answer is computed here from DevTools' rows alone, as growth's help
// defines it: a class is listed when its count grew on at least K steps (default
// N-1) and from S1 to SN; largest growth relative to S1 first (a new class: / 1),
// then larger count growth, then by name.  Every listed class's counts and self
// sizes per snapshot must equal DevTools' filtered rows of that snapshot (summed
// over DevTools' class keys), retained sizes where DevTools has one key.
// Then the program's own facts (tests/parity/run_growth_filter.sh): unfiltered,
// MainLeak and VmLeak both grow; the vm context's filter lists VmLeak, not MainLeak.
import fs from 'node:fs';

const [dir, nArg] = process.argv.slice(2);
const N = +nArg;
const read = (f) => JSON.parse(fs.readFileSync(`${dir}/${f}`, 'utf8'));
const dumps = [];
for (let i = 1; i <= N; i++) dumps.push(read(`d${i}.json`));
let bad = 0, checks = 0;
const fail = (m) => { if (bad++ < 30) console.log('FAIL: ' + m); };

function byName(rows) {
  const m = new Map();
  for (const c of rows) {
    let a = m.get(c.name);
    if (!a) m.set(c.name, (a = { count: 0, self_size: 0, retained_size: 0, keys: 0 }));
    a.count += c.count; a.self_size += c.self_size; a.retained_size = c.retained_size; a.keys++;
  }
  return m;
}

function expected(per, minSteps) {
  const names = new Set();
  for (const m of per) for (const k of m.keys()) names.add(k);
  const cnt = (s, n) => (per[s].get(n) || { count: 0 }).count;
  const rows = [];
  for (const n of names) {
    let steps = 0;
    for (let s = 1; s < N; s++) steps += cnt(s, n) > cnt(s - 1, n);
    const g = cnt(N - 1, n) - cnt(0, n);
    if (steps >= minSteps && g > 0) rows.push({ n, g, first: cnt(0, n) || 1 });
  }
  rows.sort((a, b) => (b.g * a.first - a.g * b.first) || (b.g - a.g) || (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
  return rows.map((r) => r.n);
}

function check(what, per, got, minSteps) {
  const want = expected(per, minSteps), have = got.classes.map((c) => c.name);
  checks++;
  if (JSON.stringify(want) !== JSON.stringify(have))
    fail(`${what}: classes ${JSON.stringify(have.slice(0, 12))}, DevTools' rows give ${JSON.stringify(want.slice(0, 12))}`);
  for (const c of got.classes) {
    for (let s = 0; s < N; s++) {
      const d = per[s].get(c.name) || { count: 0, self_size: 0, retained_size: 0, keys: 1 };
      checks++;
      if (c.counts[s] !== d.count || c.self_sizes[s] !== d.self_size ||
          (d.keys === 1 && c.retained_sizes[s] !== d.retained_size))
        fail(`${what}: ${c.name} in S${s + 1}: hsnap count/self/retained ${c.counts[s]}/${c.self_sizes[s]}/` +
             `${c.retained_sizes[s]}, DevTools ${d.count}/${d.self_size}/${d.retained_size} (${d.keys} keys)`);
    }
  }
  return want;
}

const all = check('no filter', dumps.map((d) => byName(d.classes)), read('g.json'), N - 1);
const filters = Object.keys(dumps[N - 1].filters).filter((k) => dumps.every((d) => d.filters[k]));
let changed = 0, vmFilter = null;
for (const k of filters) {
  const per = dumps.map((d) => byName(d.filters[k]));
  const got = read(`g-${k}.json`);
  checks++;
  if (got.filter !== k) fail(`--filter ${k}: JSON says filter ${JSON.stringify(got.filter)}`);
  const want = check(`--filter ${k}`, per, got, N - 1);
  check(`--filter ${k} --min-steps 0`, per, read(`g0-${k}.json`), 0);
  if (JSON.stringify(want) !== JSON.stringify(all)) changed++;
  if (want.includes('VmLeak')) vmFilter = { k, want };
}
checks += 3;
if (!all.includes('MainLeak') || !all.includes('VmLeak')) fail(`unfiltered: MainLeak and VmLeak should grow: ${JSON.stringify(all)}`);
if (!vmFilter || !/^nativeContext_/.test(vmFilter.k) || vmFilter.want.includes('MainLeak'))
  fail(`a nativeContext_ filter should list VmLeak without MainLeak: ${JSON.stringify(vmFilter)}`);
if (!changed) fail('no filter changed the answer');
console.log(`growth_filter.mjs: ${filters.length} filters, ${changed} change the answer; ${checks} checks, ${bad} failed`);
process.exit(bad ? 1 : 0);
