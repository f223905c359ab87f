// A small leaking Node service for the capture tests: every tick it adds
// LeakyRecord objects to a global array that is never trimmed.  It prints
// "ready" once running.  Argument: records per tick (default 200).
'use strict';
class LeakyRecord {
  constructor(i) {
    this.id = i;
    this.payload = 'record-' + i + '-' + 'x'.repeat(64);
    this.tags = [i, i + 1, i + 2];
  }
}
const leaked = [];
const perTick = Number(process.argv[2] || 200);
let n = 0;
setInterval(() => {
  for (let i = 0; i < perTick; i++) leaked.push(new LeakyRecord(n++));
}, 100);
globalThis.leaked = leaked;
console.log('ready');
