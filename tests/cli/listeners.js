// A listener leak for --by function (issue 15): per "connection" a named
// handler (onData) and an anonymous arrow function are added to an EventEmitter and
// never removed; with "control" the handlers of each connection are removed
// when it closes, and only a fixed pool of POOL connections keeps its
// handlers.  Three snapshots, one after each step of PER connections.  The
// program writes what to expect in DIR/expected.json: where V8 places each
// handler (the inspector's [[FunctionLocation]], made 1-based) and how many
// handlers each step adds and keeps.
//   node listeners.js DIR leak|control
const { EventEmitter } = require("events");
const inspector = require("inspector");
const v8 = require("v8");
const fs = require("fs");
const dir = process.argv[2], mode = process.argv[3];
const PER = 40, POOL = 5, STEPS = 3;
const server = new EventEmitter();
server.setMaxListeners(0);
let made = 0;

function accept(id, keep) {
  const conn = { id, bytes: 0, closed: 0 };
  const onData = function onData(chunk) { conn.bytes += chunk.length; };
  const onClose = [() => { conn.closed++; }][0]; // no name: (anonymous)
  server.on("data", onData);
  server.on("close", onClose);
  made++;
  if (!keep) {
    server.removeListener("data", onData);
    server.removeListener("close", onClose);
  }
  return { onData, onClose };
}

// V8's own location of a function, 0-based, from the inspector
function where(fn) {
  const s = new inspector.Session();
  let loc = null;
  s.connect();
  global.__probe = fn;
  s.post("Runtime.evaluate", { expression: "__probe" }, (e, r) => {
    s.post("Runtime.getProperties", { objectId: r.result.objectId, ownProperties: true }, (e2, p) => {
      for (const ip of p.internalProperties || [])
        if (ip.name === "[[FunctionLocation]]") loc = ip.value.value;
    });
  });
  s.disconnect();
  delete global.__probe;
  return { line: loc.lineNumber + 1, column: loc.columnNumber + 1 };
}

let probe = null, id = 0;
for (let i = 0; i < POOL; i++) probe = accept(id++, true);
for (let s = 1; s <= STEPS; s++) {
  for (let i = 0; i < PER; i++) accept(id++, mode === "leak");
  v8.writeHeapSnapshot(dir + "/" + mode + "-" + s + ".heapsnapshot");
}
const kept = mode === "leak" ? PER : 0;
fs.writeFileSync(dir + "/" + mode + ".json", JSON.stringify({
  script: __filename, onData: where(probe.onData), onClose: where(probe.onClose),
  pool: POOL, per_step_new: kept,
  counts: [1, 2, 3].map(s => POOL + s * kept),
}));
process.exit(0);
