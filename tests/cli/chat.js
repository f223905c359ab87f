// A small chat service that leaks the way real services do (issue 15's trial):
// connections kept in a Map, a listener added per connection and never
// removed, a heartbeat timer per connection capturing it, a message history
// that never shrinks -- and a bounded LRU cache as the control.
const { EventEmitter } = require("events");
const v8 = require("v8");
const bus = new EventEmitter();
bus.setMaxListeners(0);
const conns = new Map();
const history = [];
const lru = new Map();
const LRU_MAX = 50;

class ChatConnection {
  constructor(id) { this.id = id; this.user = "user-" + id; this.last = null; this.beats = 0; }
}

function connect(id) {
  const conn = new ChatConnection(id);
  conns.set("conn-" + id, conn);
  bus.on("message", function onMessage(m) { conn.last = m; });
  conn.timer = setInterval(function heartbeat() { conn.beats++; }, 3600 * 1000);
  return conn;
}

function post(from, text) {
  const m = { from, text };
  history.push(m);
  bus.emit("message", m);
  lru.delete(text); lru.set(text, m);
  if (lru.size > LRU_MAX) lru.delete(lru.keys().next().value);
}

const dir = process.argv[2], steps = 3, perStep = 30;
let id = 0, n = 0;
for (let s = 1; s <= steps; s++) {
  for (let i = 0; i < perStep; i++) connect(id++);
  for (let i = 0; i < 100; i++) post("user-" + (i % id), "message " + (n++));
  v8.writeHeapSnapshot(dir + "/chat-" + s + ".heapsnapshot");
}
process.exit(0);
