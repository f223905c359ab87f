// bench/capture_fill.js [MB]: a Node process whose JS heap holds about MB
// megabytes (default 1000) of ordinary objects (records with a number, a
// short string and a small array), then idles, printing "filled <heapUsed>".
// For measuring hsnap capture's pause and peak RSS (docs/PERFORMANCE.md):
//   node --max-old-space-size=8192 bench/capture_fill.js 1000 &
//   /usr/bin/time -v hsnap capture $! -o big.heapsnapshot --format json
// SIGUSR2 writes a snapshot in-process with v8.writeHeapSnapshot(FILE) (FILE:
// the environment's FILL_SNAPSHOT, default fill.heapsnapshot) and prints how
// long the process was blocked: the pause without any inspector.
'use strict';
const target = Number(process.argv[2] || 1000) * 1e6;
class Rec {
  constructor(i) {
    this.i = i;
    this.name = 'rec-' + i + '-' + 'y'.repeat(i % 40);
    this.list = [i, i * 2];
  }
}
process.on('SIGUSR2', () => {
  const t = process.hrtime.bigint();
  const f = require('v8').writeHeapSnapshot(process.env.FILL_SNAPSHOT || 'fill.heapsnapshot');
  console.log('writeHeapSnapshot ' + f + ' ' + Number(process.hrtime.bigint() - t) / 1e9 + ' s');
});
const all = [];
globalThis.all = all;
let i = 0;
function fill() {
  for (let k = 0; k < 200000; k++) all.push(new Rec(i++));
  if (process.memoryUsage().heapUsed < target) return setImmediate(fill);
  console.log('filled ' + process.memoryUsage().heapUsed + ' bytes, ' + i + ' records');
  setInterval(() => {}, 1000);
}
fill();
