#!/usr/bin/env node
// devtools_diff.mjs A B HSNAP_DIFF_JSON
// DevTools' Comparison view on A -> B with its own code (heap-snapshot-toolkit@1.1.3):
// the base A's aggregates are computed with B's interface definitions
// (aggregatesForDiff(b.interfaceDefinitions()), as HeapSnapshotDataGrids does), then
// b.calculateSnapshotDiff.  DevTools keys rows by allocation site + class name; the
// added/removed counts of rows with one name are summed and compared with hsnap's
// `new` and `deleted` per class (the JSON of `hsnap diff A B --format json`).
// Exit 0 when every class agrees, 1 otherwise.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';

const dir = process.env.HSNAP_HST_DIR;
const mod = await import(pathToFileURL(path.join(dir, 'node_modules', 'heap-snapshot-toolkit', 'index.js')).href);
const open = f => {
  const s = fs.createReadStream(f, { highWaterMark: 1 << 20 });
  return f.endsWith('.gz') ? s.pipe(zlib.createGunzip()) : s;
};
const [fa, fb, hsFile] = process.argv.slice(2);
const a = await mod.parse(open(fa));
const b = await mod.parse(open(fb));
const diff = b.calculateSnapshotDiff('base', a.aggregatesForDiff(b.interfaceDefinitions()));
const dt = new Map();
for (const row of Object.values(diff)) {
  const e = dt.get(row.name) || { added: 0, removed: 0 };
  e.added += row.addedCount;
  e.removed += row.removedCount;
  dt.set(row.name, e);
}
const hs = new Map(JSON.parse(fs.readFileSync(hsFile, 'utf8')).classes.map(c => [c.name, c]));
let bad = 0;
for (const [name, e] of dt) {
  const c = hs.get(name) || { new: 0, deleted: 0 };
  if (c.new !== e.added || c.deleted !== e.removed) {
    if (bad++ < 20) console.log(`  ${name}: DevTools +${e.added} -${e.removed}, hsnap +${c.new} -${c.deleted}`);
  }
}
for (const [name, c] of hs)
  if ((c.new || c.deleted) && !dt.has(name)) {
    if (bad++ < 20) console.log(`  ${name}: only hsnap reports +${c.new} -${c.deleted}`);
  }
const label = `${path.basename(fa)} -> ${path.basename(fb)}`;
console.log(`parity diff: ${label}: ${dt.size} classes changed per DevTools: ${bad ? bad + ' mismatches' : 'OK'}`);
process.exit(bad ? 1 : 0);
