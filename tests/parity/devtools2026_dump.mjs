#!/usr/bin/env node
// devtools2026_dump.mjs FILE[.gz]
// Like devtools_dump.mjs, but with the 2026 DevTools heap snapshot worker shipped in npm
// chrome-devtools-mcp (build/src/third_party/devtools-heap-snapshot-worker.js), loaded as
// DevTools loads it: HeapSnapshotLoader in this thread, SecondaryInitManager (retainers,
// dominators, retained sizes) in a second worker thread running the unmodified worker file.
// Run with `node --import ./es2024-polyfill.mjs` on Node 20 (Promise.withResolvers).
// Prints one JSON object: the fields of devtools_dump.mjs (node_count, edge_count, total_size,
// statistics, nodes{id,edge_count,self_size,retained_size,distance,class}, classes[]) plus
//   "contexts":            analyzeContexts()              (dead closure variables)
//   "native_context_sizes": getNativeContextSizes()       (realms)
//   "retained_by_context":  getRetainedByContextSummary()
//   "has_scope_tables":     whether the file's meta has scope_fields
//   "filters":              {NAME: class rows of createNamedFilter(NAME)}
// The worker is found via $HSNAP_MCP_DIR (an npm --prefix dir holding
// node_modules/chrome-devtools-mcp, or the package dir itself).
// The worker file exports nothing (it is a worker script), so this script imports a copy of it
// with one `export` line appended (in a temporary directory); the code itself is unchanged.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { Worker, MessageChannel } from 'node:worker_threads';

const WORKER_REL = path.join('build', 'src', 'third_party', 'devtools-heap-snapshot-worker.js');

function workerPath() {
  const dir = process.env.HSNAP_MCP_DIR;
  if (!dir) throw new Error('HSNAP_MCP_DIR is not set');
  for (const cand of [path.join(dir, 'node_modules', 'chrome-devtools-mcp', WORKER_REL), path.join(dir, WORKER_REL)]) {
    if (fs.existsSync(cand)) return path.resolve(cand);
  }
  throw new Error(`chrome-devtools-mcp's heap snapshot worker not found under HSNAP_MCP_DIR=${dir}`);
}

function openInput(file) {
  const fd = fs.openSync(file, 'r');
  const magic = Buffer.alloc(2);
  const n = fs.readSync(fd, magic, 0, 2, 0);
  fs.closeSync(fd);
  let stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  if (n === 2 && magic[0] === 0x1f && magic[1] === 0x8b) stream = stream.pipe(zlib.createGunzip({ chunkSize: 1 << 20 }));
  stream.setEncoding('utf8');
  return stream;
}

const out = process.stdout;
async function w(s) { if (!out.write(s)) await once(out, 'drain'); }
async function writeArray(n, map) {
  const CH = 65536;
  await w('[');
  for (let i = 0; i < n; i += CH) {
    const end = Math.min(n, i + CH);
    const parts = new Array(end - i);
    for (let j = i; j < end; j++) parts[j - i] = map(j);
    await w((i ? ',' : '') + parts.join(','));
  }
  await w(']');
}

async function main() {
  const file = process.argv[2];
  if (!file) { console.error('usage: devtools2026_dump.mjs FILE[.gz]'); process.exit(2); }
  if (typeof Promise.withResolvers !== 'function') throw new Error('Promise.withResolvers missing: run with --import es2024-polyfill.mjs');
  const orig = workerPath();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hsnap-dt2026-'));
  let second;
  try {
    const copy = path.join(tmp, 'worker-with-exports.mjs');
    fs.writeFileSync(copy, fs.readFileSync(orig, 'utf8') +
      '\nexport { HeapSnapshotLoader$1 as __hsnapLoader, HeapSnapshot$1 as __hsnapHeapSnapshot };\n');
    // In this (main) thread the worker's own dispatcher finds no parentPort and stays idle.
    const mod = await import(pathToFileURL(copy).href);
    const { HeapSnapshotLoader } = mod.__hsnapLoader;

    // DevTools' second thread: the unmodified worker file, told to run SecondaryInitManager
    // on one end of a channel (HeapSnapshotWorkerProxy does the same with 'setupForSecondaryInit').
    second = new Worker(pathToFileURL(orig));
    const ready = new Promise((resolve, reject) => {
      second.on('message', (m) => { if (m === 'workerReady') resolve(); });
      second.once('error', reject);
    });
    await ready;
    const { port1, port2 } = new MessageChannel();
    second.postMessage({ disposition: 'setupForSecondaryInit', objectId: 1, callId: 1 }, [port2]);

    const loader = new HeapSnapshotLoader(null);
    for await (const chunk of openInput(file)) loader.write(chunk);
    loader.close();
    const snap = await loader.buildSnapshot(port1);
    port1.close();

    const nf = snap.nodeFieldCount;
    const nodeCount = snap.nodeCount;
    const edgeCount = snap.containmentEdges.length / snap.edgeFieldsCount;
    const nodes = snap.nodes;
    const get = (i) => nodes.getValue(i);
    await w('{"node_count":' + nodeCount + ',"edge_count":' + edgeCount +
            ',"total_size":' + snap.totalSize + ',"statistics":' + JSON.stringify(snap.getStatistics()) +
            ',"has_scope_tables":' + JSON.stringify(Boolean(snap.profile?.snapshot?.meta?.scope_fields)) +
            ',"nodes":{"id":');
    await writeArray(nodeCount, (i) => get(i * nf + snap.nodeIdOffset));
    await w(',"edge_count":');
    const fei = snap.firstEdgeIndexes, ef = snap.edgeFieldsCount;
    await writeArray(nodeCount, (i) => (fei[i + 1] - fei[i]) / ef);
    await w(',"self_size":');
    await writeArray(nodeCount, (i) => get(i * nf + snap.nodeSelfSizeOffset));
    await w(',"retained_size":');
    await writeArray(nodeCount, (i) => snap.retainedSizes[i]);
    await w(',"distance":');
    await writeArray(nodeCount, (i) => snap.nodeDistances[i]);
    await w(',"class":');
    const node = snap.createNode(0);
    await writeArray(nodeCount, (i) => { node.nodeIndex = i * nf; return JSON.stringify(node.className()); });
    await w('},"classes":[');
    const aggr = snap.getAggregatesByClassKey(false, 'allObjects');
    let first = true;
    for (const [key, a] of Object.entries(aggr)) {
      await w((first ? '' : ',\n') + JSON.stringify({ key, name: a.name, count: a.count, self_size: a.self,
                                                       retained_size: a.maxRet, distance: a.distance }));
      first = false;
    }
    await w('],\n"contexts":' + JSON.stringify(snap.analyzeContexts()));
    await w(',\n"native_context_sizes":' + JSON.stringify(snap.getNativeContextSizes()));
    await w(',\n"retained_by_context":' + JSON.stringify(snap.getRetainedByContextSummary()));
    // DevTools' named filters (createNamedFilter): class rows of the kept nodes; the
    // per-native-context filter is named here by the context's node id (DevTools' internal
    // name uses its node index)
    const names = ['objectsRetainedByDetachedDomNodes', 'objectsRetainedByConsole',
      'objectsRetainedByEventHandlers', 'objectsRetainedByContexts', 'duplicatedStrings',
      'sharedNativeContext', 'noNativeContext'];
    const filters = names.map((n) => [n, n]);
    for (const c of snap.getNativeContextSizes().nativeContexts) filters.push(['nativeContext_' + c.nodeId, 'nativeContext_' + c.nodeIndex]);
    await w(',\n"filters":{');
    first = true;
    for (const [ours, theirs] of filters) {
      const aggr = snap.getAggregatesByClassKey(false, 'NamedFilter: ' + theirs, snap.createNamedFilter(theirs));
      const rows = Object.entries(aggr).map(([key, a]) => ({ key, name: a.name, count: a.count, self_size: a.self,
                                                            retained_size: a.maxRet, distance: a.distance }));
      await w((first ? '' : ',\n') + JSON.stringify(ours) + ':' + JSON.stringify(rows));
      first = false;
    }
    await w('}}\n');
  } finally {
    if (second) await second.terminate();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => { console.error('devtools2026_dump:', e && e.stack || e); process.exit(1); });
