#!/usr/bin/env node
// Deterministic generator of realistic V8 heap snapshots for benchmarking hsnap.
//
//   node --max-old-space-size=12000 bench/gen_snapshot.js --target-mb 150 --out bench/data/snap-150.heapsnapshot
//
// Options:
//   --target-mb N   approximate size of the written .heapsnapshot in MB (10^6 bytes); default 150
//   --units U       override the calibrated scale (number of "units" of work) directly
//   --out FILE      output path (required)
//   --second FILE   then grow the heap (--grow-units U, default 5% of the units) and write a
//                   second snapshot of the same process (for diff benchmarks)
//   --third FILE    with --second: grow once more and write a third (leaks benchmarks)
//
// All data comes from a seeded PRNG (mulberry32) and loop counters: no Math.random, no
// timestamps, no environment-dependent content.  The file itself is not byte-identical across
// runs (V8 object ids, addresses in some names and heap internals may vary a little), but the
// object graph built by this script is the same every time.
//
// Size model (calibrated on Node v20.20.2, V8 11.3, see bench/README.md):
//   see CALIBRATION below (units -> MB, piecewise linear)
'use strict';

const v8 = require('v8');
const fs = require('fs');
const path = require('path');

// ---- calibration (measured on Node v20.20.2 / V8 11.3, this script as is) ----
// [units, snapshot MB (10^6 bytes)].  Size is not quite linear in units (object ids and node
// indexes get more digits), so units are interpolated piecewise-linearly between these points
// and extrapolated with the nearest segment.  Smallest useful target is ~15 MB (fixed parts:
// Node's own heap, one 100k-long list, the big arrays).
const CALIBRATION = [[10000, 27.8], [40000, 69.1], [96692, 150.8], [420379, 651.2]];
const LIST_LENGTH = 100000;    // deep linked lists are always this long
const UNITS_PER_LIST = 120000; // one 100k-long list per this many units (at least one)

function parseArgs(argv) {
  const o = { targetMb: 150, units: 0, out: '' };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--target-mb') o.targetMb = Number(argv[++i]);
    else if (a === '--units') o.units = Number(argv[++i]);
    else if (a === '--out') o.out = argv[++i];
    else if (a === '--second') o.second = argv[++i];
    else if (a === '--third') o.third = argv[++i];
    else if (a === '--grow-units') o.growUnits = Number(argv[++i]);
    else if (a === '-h' || a === '--help') {
      console.log('usage: gen_snapshot.js --target-mb N --out FILE [--units U]');
      process.exit(0);
    } else {
      console.error('unknown argument: ' + a);
      process.exit(2);
    }
  }
  if (!o.out) { console.error('--out FILE is required'); process.exit(2); }
  if (!(o.targetMb > 0) && !(o.units > 0)) { console.error('--target-mb must be > 0'); process.exit(2); }
  return o;
}

// mulberry32: small, fast, seedable PRNG
function mulberry32(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// 20 classes with 3..8 fields each.  Generated with `new Function` would give them all the same
// source position; instead they are written out so that each has its own name and shape.
class Account { constructor(r, i) { this.id = i; this.owner = null; this.balance = r() * 1e6; } }
class Address { constructor(r, i) { this.street = 'Street ' + (i % 5000); this.city = CITIES[i % CITIES.length]; this.zip = (i * 7919) % 100000; this.country = 'NL'; } }
class Order { constructor(r, i) { this.id = i; this.items = []; this.total = r() * 500; this.customer = null; this.status = STATUSES[i % STATUSES.length]; } }
class OrderItem { constructor(r, i) { this.sku = 'SKU-' + (i % 20000); this.qty = 1 + (i % 9); this.price = r() * 100; this.order = null; } }
class Customer { constructor(r, i) { this.id = i; this.name = 'customer#' + i; this.email = 'c' + i + '@example.com'; this.address = null; this.orders = null; this.tier = i % 4; } }
class Product { constructor(r, i) { this.sku = 'SKU-' + i; this.title = 'Product ' + i; this.tags = null; this.price = r() * 100; this.stock = i % 1000; this.vendor = null; this.rating = r() * 5; } }
class Vendor { constructor(r, i) { this.id = i; this.name = 'vendor-' + (i % 300); this.products = null; } }
class Session { constructor(r, i) { this.token = 'tok_' + (i * 2654435761 >>> 0).toString(16); this.user = null; this.started = i * 1000; this.data = null; this.flags = i & 7; } }
class User { constructor(r, i) { this.id = i; this.login = 'user' + i; this.roles = null; this.session = null; this.prefs = null; this.lastSeen = i * 13; this.active = (i & 1) === 0; this.score = r(); } }
class Role { constructor(r, i) { this.name = ROLES[i % ROLES.length]; this.perms = null; this.level = i % 10; } }
class LogEntry { constructor(r, i) { this.seq = i; this.level = LEVELS[i % LEVELS.length]; this.msg = null; this.ctx = null; this.ts = i * 17; } }
class CacheEntry { constructor(r, i) { this.key = null; this.value = null; this.hits = i % 100; this.expires = i * 31; } }
class TreeNode { constructor(r, i) { this.value = i; this.left = null; this.right = null; this.parent = null; } }
class GraphVertex { constructor(r, i) { this.id = i; this.out = null; this.in = null; this.weight = r(); this.label = null; this.visited = false; } }
class Matrix { constructor(r, i) { this.rows = 2 + (i % 3); this.cols = 2 + (i % 4); this.data = null; } }
class Point3 { constructor(r, i) { this.x = r(); this.y = r(); this.z = r(); } }
class Event { constructor(r, i) { this.type = EVENT_TYPES[i % EVENT_TYPES.length]; this.target = null; this.detail = null; this.bubbles = (i & 1) === 1; this.handler = null; } }
class Token { constructor(r, i) { this.kind = i % 12; this.text = null; this.start = i * 3; this.end = i * 3 + 2; this.next = null; } }
class Widget { constructor(r, i) { this.id = 'w' + i; this.children = null; this.parent = null; this.style = null; this.visible = true; this.onClick = null; this.bounds = null; this.zIndex = i % 50; } }
class Invoice { constructor(r, i) { this.number = 'INV-' + i; this.order = null; this.amount = r() * 1000; this.paid = (i % 3) === 0; this.lines = null; this.notes = null; } }

const CLASSES = [Account, Address, Order, OrderItem, Customer, Product, Vendor, Session, User, Role,
  LogEntry, CacheEntry, TreeNode, GraphVertex, Matrix, Point3, Event, Token, Widget, Invoice];
const CITIES = ['Amsterdam', 'Berlin', 'Paris', 'Lisbon', 'Oslo', 'Vienna', 'Prague', 'Dublin'];
const STATUSES = ['new', 'paid', 'shipped', 'delivered', 'returned'];
const ROLES = ['admin', 'editor', 'viewer', 'guest', 'owner'];
const LEVELS = ['debug', 'info', 'warn', 'error'];
const EVENT_TYPES = ['click', 'keydown', 'scroll', 'resize', 'load', 'focus'];
const WORDS = ('lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ' +
  'incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ' +
  'ullamco laboris nisi aliquip ex ea commodo consequat').split(' ');

function words(r, n) {
  let s = '';
  for (let k = 0; k < n; k++) s += (k ? ' ' : '') + WORDS[(r() * WORDS.length) | 0];
  return s;
}

// closures capturing a context
function makeHandler(counterStart, owner, label) {
  let count = counterStart;
  const history = [];
  return function handler(ev) {
    count++;
    if (history.length < 4) history.push(ev);
    return label + ':' + count + ':' + (owner ? owner.id : 0);
  };
}
function makeAdder(k) { return (x) => x + k; }
function makeMemo(fn) {
  const cache = new Map();
  return function memo(x) { if (!cache.has(x)) cache.set(x, fn(x)); return cache.get(x); };
}

class LinkedNode { constructor(v, next) { this.value = v; this.next = next; } }

function build(units) {
  const r = mulberry32(0xC0FFEE);
  const world = {
    instances: [],   // array of big arrays (chunks of 50k) holding class instances
    plain: [],
    closures: [],
    maps: [],
    sets: [],
    buffers: [],
    typed: [],
    strings: [],
    longStrings: [],
    cycles: [],
    lists: [],
    trees: [],
    registry: Object.create(null), // dictionary-mode object
  };
  for (let m = 0; m < 8; m++) world.maps.push(new Map());
  for (let m = 0; m < 4; m++) world.sets.push(new Set());
  const sharedTags = [];
  for (let t = 0; t < 64; t++) sharedTags.push('tag-' + t);
  const sharedConfig = { retries: 3, timeout: 1000, tags: sharedTags, name: 'shared-config' };
  const sharedStyle = { color: '#333', font: '12px sans-serif', margin: [1, 2, 3, 4] };

  let chunk = [];
  world.instances.push(chunk);
  let prev = null;
  let prevByClass = new Array(CLASSES.length).fill(null);
  const CHUNK = 50000;

  for (let i = 0; i < units; i++) {
    // ---- 3 class instances per unit, linked to earlier objects (shared structure)
    for (let k = 0; k < 3; k++) {
      const ci = (r() * CLASSES.length) | 0;
      const C = CLASSES[ci];
      const o = new C(r, i * 3 + k);
      const p = prevByClass[ci];
      switch (ci) {
        case 0: o.owner = prev; break;
        case 2: o.customer = prev; o.items.push(p, prev); break;
        case 3: o.order = p; break;
        case 4: o.address = prev; o.orders = [p, prev]; break;
        case 5: o.tags = [sharedTags[i & 63], sharedTags[(i >> 6) & 63]]; o.vendor = p; break;
        case 6: o.products = [prev]; break;
        case 7: o.user = prev; o.data = { hits: i, path: '/p/' + (i % 997) }; break;
        case 8: o.roles = [ROLES[i % 5]]; o.session = p; o.prefs = sharedConfig; break;
        case 9: o.perms = ['read', 'write'].slice(0, 1 + (i & 1)); break;
        case 10: o.msg = 'log message ' + (i % 4096) + ' ' + WORDS[i % WORDS.length]; o.ctx = prev; break;
        case 11: o.key = 'cache:' + i; o.value = prev; break;
        case 12: o.left = p; if (p) p.parent = o; o.right = prev; break;
        case 13: o.out = [p, prev]; o.in = p ? [p] : []; o.label = 'v' + (i % 512); break;
        case 14: o.data = new Float64Array(o.rows * o.cols); break;
        case 15: break;
        case 16: o.target = prev; o.detail = { i }; o.handler = makeAdder(i & 255); break;
        case 17: o.text = WORDS[i % WORDS.length] + (i % 100); o.next = p; break;
        case 18: o.parent = p; o.style = sharedStyle; o.children = []; if (p && p.children) p.children.push(o); o.bounds = { x: i % 800, y: i % 600, w: 10, h: 20 }; break;
        case 19: o.order = p; o.lines = [prev]; o.notes = (i % 7 === 0) ? words(r, 6) : null; break;
      }
      prevByClass[ci] = o;
      prev = o;
      if (chunk.length >= CHUNK) { chunk = []; world.instances.push(chunk); }
      chunk.push(o);
    }

    // ---- plain objects of several shapes
    switch (i & 3) {
      case 0: world.plain.push({ a: i, b: 'b' + (i % 1000) }); break;
      case 1: world.plain.push({ x: r(), y: r(), z: i }); break;
      case 2: world.plain.push({ kind: 'rec', id: i, ref: prev, meta: { depth: i % 10 } }); break;
      case 3: world.plain.push([i, i + 1, prev]); break;
    }

    // ---- strings: short unique, duplicated content, cons, sliced
    if ((i & 1) === 0) world.strings.push('key_' + i.toString(36));          // short unique
    if ((i & 3) === 1) world.strings.push('dup-' + (i % 1000) + '-value');    // duplicated content
    if ((i & 7) === 3) world.strings.push(WORDS[i % WORDS.length] + ' / ' + WORDS[(i >> 3) % WORDS.length] + ' / ' + i); // cons

    // ---- closures capturing context
    if ((i & 7) === 0) world.closures.push(makeHandler(i, prev, 'h' + (i % 64)));
    if ((i & 63) === 5) world.closures.push(makeMemo(makeAdder(i)));

    // ---- Maps / Sets
    if ((i & 3) === 2) world.maps[i & 7].set('m' + i, prev);
    if ((i & 7) === 6) world.sets[(i >> 3) & 3].add(i * 7);
    if ((i & 15) === 9) world.sets[0].add(prev);

    // ---- Buffers / typed arrays
    if ((i & 31) === 7) world.buffers.push(Buffer.alloc(16 + (i % 48), i & 255));
    if ((i & 31) === 23) world.typed.push(((i >> 5) & 1) ? new Uint8Array(32) : new Float64Array(8));

    // ---- long strings (flat and concatenated) and slices of them
    if ((i & 255) === 17) {
      const ls = words(r, 100 + ((r() * 400) | 0));
      world.longStrings.push(ls);
      world.longStrings.push(ls.substring(10, 200));            // sliced string
      world.longStrings.push(ls + ' #' + i);                    // cons of a long string
    }

    // ---- cycles: small rings with back-references
    if ((i % 97) === 0) {
      const ring = [];
      for (let k = 0; k < 5; k++) ring.push({ idx: k, next: null, prev: null, owner: null });
      for (let k = 0; k < 5; k++) { ring[k].next = ring[(k + 1) % 5]; ring[k].prev = ring[(k + 4) % 5]; ring[k].owner = ring; }
      world.cycles.push(ring);
    }

    // ---- a dictionary-mode object with many keys
    if ((i & 127) === 64) world.registry['entry:' + i] = prev;

    // ---- small balanced trees, occasionally
    if ((i % 4096) === 100) {
      const tree = (function mk(d) { return d === 0 ? null : { l: mk(d - 1), r: mk(d - 1), d }; })(8);
      world.trees.push(tree);
    }
  }

  // ---- deep linked lists, 100k long each
  const nLists = Math.max(1, Math.round(units / UNITS_PER_LIST));
  for (let l = 0; l < nLists; l++) {
    let head = null;
    for (let k = 0; k < LIST_LENGTH; k++) head = new LinkedNode(k, head);
    world.lists.push(head);
  }
  // one large array of numbers, one large array of strings
  world.bigNumbers = Array.from({ length: 100000 }, (_, k) => k * 0.5);
  world.bigStrings = Array.from({ length: 20000 }, (_, k) => 'big-' + (k % 5000));
  return world;
}

function unitsForMb(mb) {
  const c = CALIBRATION;
  let k = 0;
  while (k < c.length - 2 && mb > c[k + 1][1]) k++;
  const [u0, m0] = c[k];
  const [u1, m1] = c[k + 1];
  return Math.max(1000, Math.round(u0 + (mb - m0) * (u1 - u0) / (m1 - m0)));
}

function main() {
  const o = parseArgs(process.argv);
  const units = o.units > 0 ? Math.round(o.units) : unitsForMb(o.targetMb);
  const t0 = process.hrtime.bigint();
  globalThis.__hsnapBenchWorld = build(units);
  const t1 = process.hrtime.bigint();
  fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
  const tmp = o.out + '.tmp';
  v8.writeHeapSnapshot(tmp);
  fs.renameSync(tmp, o.out);
  const t2 = process.hrtime.bigint();
  const size = fs.statSync(o.out).size;
  const s = (a, b) => (Number(b - a) / 1e9).toFixed(1);
  console.error(`gen_snapshot: units=${units} build=${s(t0, t1)}s write=${s(t1, t2)}s ` +
    `size=${(size / 1e6).toFixed(1)}MB (target ${o.targetMb}MB) -> ${o.out}`);
  if (o.second) {
    // A second snapshot of the same process (ids comparable, for `hsnap diff`):
    // a further build of --grow-units units (default 5% of the first) is kept too.
    const grow = o.growUnits > 0 ? Math.round(o.growUnits) : Math.max(100, Math.round(units / 20));
    globalThis.__hsnapBenchGrowth = build(grow);
    const tmp2 = o.second + '.tmp';
    v8.writeHeapSnapshot(tmp2);
    fs.renameSync(tmp2, o.second);
    console.error(`gen_snapshot: second snapshot (+${grow} units) -> ${o.second}`);
    if (o.third) {
      globalThis.__hsnapBenchGrowth2 = build(grow);
      const tmp3 = o.third + '.tmp';
      v8.writeHeapSnapshot(tmp3);
      fs.renameSync(tmp3, o.third);
      console.error(`gen_snapshot: third snapshot (+${grow} units more) -> ${o.third}`);
    }
  }
}

main();
