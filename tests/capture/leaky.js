// A small leaking Node program for the capture tests (tests/capture/run_capture.sh).
//   node leaky.js [PER_TICK [MAX]]
// Every 100 ms it adds PER_TICK (default 200) LeakyRecord objects to a global
// array that is never trimmed, until MAX records exist (default: no limit).
// Prints "ready" once running and "done N" when MAX is reached, so that a test
// knows exactly how many LeakyRecord objects are alive in the heap.
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
const max = Number(process.argv[3] || Infinity);
globalThis.leaked = leaked;
console.log('ready');
const timer = setInterval(() => {
  for (let i = 0; i < perTick && leaked.length < max; i++) leaked.push(new LeakyRecord(leaked.length));
  if (leaked.length >= max) {
    console.log('done ' + leaked.length);
    clearInterval(timer);
    setInterval(() => {}, 1000); // stay alive, idle
  }
}, 100);
