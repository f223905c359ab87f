#!/usr/bin/env node
// devtools_summary.mjs FILE
//
// Reference point for `hsnap summary`: runs Chrome DevTools' own heap snapshot code (the npm
// package heap-snapshot-toolkit@1.1.3, which bundles devtools-frontend's HeapSnapshotLoader /
// JSHeapSnapshot) on FILE and computes the class summary ("Summary" view, all objects):
//   parse -> JSHeapSnapshot (this already computes distances, dominators, retained sizes,
//   statistics), getStatistics(), getAggregatesByClassKey(false, 'allObjects').
//
// Prints a few "key=value" lines (nodes, edges, total size, number of classes, timings) and the
// top 10 classes by retained size, so results can be cross-checked against hsnap.
//
// The package is installed on demand into $HSNAP_BENCH_NPM (default: bench/.npm next to this
// script) with `npm install --prefix` and imported by absolute file URL.
//
// Run with a big heap:  node --max-old-space-size=16000 bench/devtools_summary.mjs FILE
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PKG = 'heap-snapshot-toolkit';
const VERSION = '1.1.3';

const file = process.argv[2];
if (!file || process.argv.length > 3) {
  console.error('usage: node --max-old-space-size=16000 devtools_summary.mjs FILE');
  process.exit(2);
}
if (!fs.existsSync(file)) {
  console.error(`devtools_summary: ${file}: no such file`);
  process.exit(1);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const npmDir = path.resolve(process.env.HSNAP_BENCH_NPM || path.join(here, '.npm'));
const pkgDir = path.join(npmDir, 'node_modules', PKG);
const pkgJson = path.join(pkgDir, 'package.json');

function installedVersion() {
  try { return JSON.parse(fs.readFileSync(pkgJson, 'utf8')).version; } catch { return null; }
}
if (installedVersion() !== VERSION) {
  fs.mkdirSync(npmDir, { recursive: true });
  console.error(`devtools_summary: installing ${PKG}@${VERSION} into ${npmDir}`);
  execFileSync('npm', ['install', '--prefix', npmDir, '--no-audit', '--no-fund', '--no-save',
    `${PKG}@${VERSION}`], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (installedVersion() !== VERSION) {
    console.error(`devtools_summary: could not install ${PKG}@${VERSION}`);
    process.exit(1);
  }
}

const { parse } = await import(pathToFileURL(path.join(pkgDir, 'index.js')).href);

const sec = (a, b) => (Number(b - a) / 1e9).toFixed(2);
const t0 = process.hrtime.bigint();
const snapshot = await parse(fs.createReadStream(file, { encoding: 'utf-8', highWaterMark: 1 << 20 }));
const t1 = process.hrtime.bigint();
const stats = snapshot.getStatistics();
const aggregates = snapshot.getAggregatesByClassKey(false, 'allObjects');
const t2 = process.hrtime.bigint();

const classes = Object.values(aggregates);
const nodes = snapshot.nodeCount;
const edges = snapshot.containmentEdges.length / snapshot.edgeFieldsCount;
let selfSum = 0;
let objCount = 0;
for (const a of classes) { selfSum += a.self; objCount += a.count; }

console.log(`file=${file}`);
console.log(`nodes=${nodes}`);
console.log(`edges=${edges}`);
console.log(`total_size=${stats.total}`);
console.log(`classes=${classes.length}`);
console.log(`objects=${objCount}`);
console.log(`self_size_sum=${selfSum}`);
console.log(`statistics=${JSON.stringify(stats)}`);
console.log(`parse_s=${sec(t0, t1)}`);
console.log(`aggregate_s=${sec(t1, t2)}`);
console.log('top10 by retained size (name\tcount\tself\tretained):');
classes.sort((a, b) => b.maxRet - a.maxRet);
for (const a of classes.slice(0, 10)) {
  console.log(`  ${a.name}\t${a.count}\t${a.self}\t${a.maxRet}`);
}
