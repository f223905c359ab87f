#!/usr/bin/env node
// devtools_dump.mjs FILE[.gz]
// Parses a V8 heap snapshot with Chrome DevTools' own analyzer code (npm package
// heap-snapshot-toolkit@1.1.3, a bundle of devtools-frontend's HeapSnapshot.ts) and prints
// the per-node and per-class results DevTools computes, as one JSON object on stdout:
//   {"node_count","edge_count","total_size","statistics",
//    "nodes":{"id":[..],"edge_count":[..],"self_size":[..],"retained_size":[..],"distance":[..],
//             "class":[..]},                                       (arrays indexed by node ordinal)
//    "classes":[{"key","name","count","self_size","retained_size","distance"}, ...]}
// The toolkit is located via $HSNAP_HST_DIR (either an npm --prefix dir containing
// node_modules/heap-snapshot-toolkit, or the package dir itself); otherwise normal resolution.
// Run big files with: node --max-old-space-size=8000 devtools_dump.mjs FILE
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';

async function loadToolkit() {
  const dir = process.env.HSNAP_HST_DIR;
  if (dir) {
    for (const cand of [path.join(dir, 'node_modules', 'heap-snapshot-toolkit', 'index.js'),
                        path.join(dir, 'index.js')]) {
      if (fs.existsSync(cand)) return import(pathToFileURL(path.resolve(cand)).href);
    }
    throw new Error(`heap-snapshot-toolkit not found under HSNAP_HST_DIR=${dir}`);
  }
  return import('heap-snapshot-toolkit');
}

function openInput(file) {
  const fd = fs.openSync(file, 'r');
  const magic = Buffer.alloc(2);
  const n = fs.readSync(fd, magic, 0, 2, 0);
  fs.closeSync(fd);
  let stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  if (n === 2 && magic[0] === 0x1f && magic[1] === 0x8b) stream = stream.pipe(zlib.createGunzip({ chunkSize: 1 << 20 }));
  stream.setEncoding('utf8'); // StringDecoder: multi-byte chars split across chunks stay intact
  return stream;
}

const out = process.stdout;
async function w(s) { if (!out.write(s)) await once(out, 'drain'); }

async function writeArray(arr, n, map) {
  const CH = 65536;
  await w('[');
  for (let i = 0; i < n; i += CH) {
    const end = Math.min(n, i + CH);
    const parts = new Array(end - i);
    for (let j = i; j < end; j++) parts[j - i] = map(arr, j);
    await w((i ? ',' : '') + parts.join(','));
  }
  await w(']');
}

async function main() {
  const file = process.argv[2];
  if (!file) { console.error('usage: devtools_dump.mjs FILE[.gz]'); process.exit(2); }
  const { parse } = await loadToolkit();
  const snap = await parse(openInput(file));

  const nf = snap.nodeFieldCount;
  const nodeCount = snap.nodeCount ?? snap.nodes.length / nf;
  const edgeCount = snap.containmentEdges.length / snap.edgeFieldsCount;
  const nodes = snap.nodes;
  const get = typeof nodes.getValue === 'function' ? (i) => nodes.getValue(i) : (i) => nodes[i];
  const sso = snap.nodeSelfSizeOffset;

  await w('{"node_count":' + nodeCount + ',"edge_count":' + edgeCount +
          ',"total_size":' + snap.totalSize + ',"statistics":' + JSON.stringify(snap.getStatistics()) +
          ',"nodes":{"id":');
  await writeArray(null, nodeCount, (_, i) => get(i * nf + snap.nodeIdOffset));
  await w(',"edge_count":');
  const fei = snap.firstEdgeIndexes, ef = snap.edgeFieldsCount;
  await writeArray(fei, nodeCount, (a, i) => (a[i + 1] - a[i]) / ef);
  await w(',"self_size":');
  await writeArray(null, nodeCount, (_, i) => get(i * nf + sso));
  await w(',"retained_size":');
  await writeArray(snap.retainedSizes, nodeCount, (a, i) => a[i]);
  await w(',"distance":');
  await writeArray(snap.nodeDistances, nodeCount, (a, i) => a[i]);
  await w(',"class":');
  const node = snap.createNode(0);
  await writeArray(null, nodeCount, (_, i) => { node.nodeIndex = i * nf; return JSON.stringify(node.className()); });
  await w('},"classes":[');
  const aggr = snap.getAggregatesByClassKey(false, 'allObjects');
  let first = true;
  for (const [key, a] of Object.entries(aggr)) {
    await w((first ? '' : ',\n') + JSON.stringify({ key, name: a.name, count: a.count, self_size: a.self,
                                                     retained_size: a.maxRet, distance: a.distance }));
    first = false;
  }
  await w(']}\n');
}

main().then(() => process.exit(0), (e) => { console.error('devtools_dump:', e && e.stack || e); process.exit(1); });
