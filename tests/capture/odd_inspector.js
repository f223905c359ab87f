// An inspector endpoint that speaks the protocol in the legal-but-unusual ways
// real inspectors do not produce on demand, for tests/capture/run_capture.sh:
//   node odd_inspector.js SCENARIO EXPECTED_FILE
// Listens on 127.0.0.1 (a kernel-chosen port, printed as "port N"), answers
// GET /json/list, accepts one WebSocket and answers HeapProfiler.takeHeapSnapshot
// according to SCENARIO:
//   odd      the chunks as fragmented messages (text frame + continuations, with
//            a ping between fragments), 7-bit, 16-bit and 64-bit payload lengths,
//            escapes (\n \" \\ \u00e9, a surrogate pair), "params" before "method",
//            an unrelated event and an answer to another id before the real one;
//            the chunks' concatenation is written to EXPECTED_FILE.  The pong hsnap
//            must send for the ping is checked (printed "pong ok" / "no pong").
//   early    two chunks, then the connection is closed
//   huge     a frame header announcing 2^40 bytes
//   error    an error answer to takeHeapSnapshot
'use strict';
const net = require('net');
const crypto = require('crypto');
const fs = require('fs');
const [scenario, expectedFile] = process.argv.slice(2);

function frame(opcode, payload, fin = true) {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8');
  let head;
  if (body.length < 126) {
    head = Buffer.from([(fin ? 0x80 : 0) | opcode, body.length]);
  } else if (body.length < 65536) {
    head = Buffer.alloc(4);
    head[0] = (fin ? 0x80 : 0) | opcode; head[1] = 126; head.writeUInt16BE(body.length, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = (fin ? 0x80 : 0) | opcode; head[1] = 127; head.writeBigUInt64BE(BigInt(body.length), 2);
  }
  return Buffer.concat([head, body]);
}

// a message split into n fragments, a ping after the first
function fragmented(text, n, ping) {
  const b = Buffer.from(text, 'utf8');
  const out = [];
  const step = Math.ceil(b.length / n);
  for (let i = 0, k = 0; i < b.length; i += step, k++) {
    const last = i + step >= b.length;
    out.push(frame(k === 0 ? 1 : 0, b.subarray(i, i + step), last));
    if (k === 0 && ping) out.push(frame(9, 'are-you-there'));
  }
  return Buffer.concat(out);
}

// parses the client's (masked) frames; calls onText for text messages
function reader(onText, onPong) {
  let buf = Buffer.alloc(0);
  return (data) => {
    buf = Buffer.concat([buf, data]);
    for (;;) {
      if (buf.length < 2) return;
      const op = buf[0] & 15;
      let len = buf[1] & 127, off = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
      if (!(buf[1] & 0x80)) { console.log('unmasked client frame'); process.exit(1); }
      if (buf.length < off + 4 + len) return;
      const mask = buf.subarray(off, off + 4);
      const p = Buffer.from(buf.subarray(off + 4, off + 4 + len));
      for (let i = 0; i < p.length; i++) p[i] ^= mask[i & 3];
      buf = buf.subarray(off + 4 + len);
      if (op === 1) onText(p.toString('utf8'));
      else if (op === 10) onPong(p.toString('utf8'));
    }
  };
}

const server = net.createServer((sock) => {
  let head = Buffer.alloc(0), upgraded = false;
  sock.on('error', () => {});
  sock.on('data', function first(d) {
    if (upgraded) return;
    head = Buffer.concat([head, d]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    const text = head.subarray(0, end).toString();
    const port = server.address().port;
    if (text.startsWith('GET /json/list')) {
      const body = JSON.stringify([{ type: 'node', title: 'odd', url: 'file:///odd.js',
        webSocketDebuggerUrl: `ws://127.0.0.1:${port}/odd` }]);
      sock.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    const key = /Sec-WebSocket-Key: *(\S+)/i.exec(text)[1];
    const accept = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
    sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    upgraded = true;
    sock.removeListener('data', first);
    const rest = head.subarray(end + 4);
    const feed = reader((msg) => answer(sock, JSON.parse(msg)), (p) => console.log(p === 'are-you-there' ? 'pong ok' : 'bad pong'));
    sock.on('data', feed);
    if (rest.length) feed(rest);
  });
});

let pinged = false;
function answer(sock, req) {
  if (req.method !== 'HeapProfiler.takeHeapSnapshot') {
    sock.write(frame(1, JSON.stringify({ id: req.id, result: {} })));
    return;
  }
  const chunks = ['{"snapshot":{"meta":{}},\n', 'quote " backslash \\ tab \t', 'é and 😀 and \u2028',
                  'x'.repeat(300), 'y'.repeat(70000), 'z'.repeat(200000)];
  if (scenario === 'odd') {
    fs.writeFileSync(expectedFile, chunks.join(''));
    const out = [];
    out.push(frame(1, JSON.stringify({ method: 'HeapProfiler.reportHeapSnapshotProgress', params: { done: 1, total: 2 } })));
    out.push(frame(1, JSON.stringify({ id: req.id + 1000, result: { unrelated: true } })));
    chunks.forEach((c, i) => {
      const m = i === 1 ? `{"params":{"chunk":${JSON.stringify(c)}},"method":"HeapProfiler.addHeapSnapshotChunk"}`
                        : JSON.stringify({ method: 'HeapProfiler.addHeapSnapshotChunk', params: { chunk: c } });
      out.push(i % 2 ? fragmented(m, 3, !pinged) : frame(1, m));
      if (i % 2) pinged = true;
      if (i === 2) out.push(frame(1, JSON.stringify({ method: 'Runtime.consoleAPICalled', params: { chunk: 'not a snapshot chunk' } })));
    });
    out.push(frame(1, JSON.stringify({ method: 'HeapProfiler.reportHeapSnapshotProgress', params: { done: 2, total: 2, finished: true } })));
    out.push(frame(1, JSON.stringify({ id: req.id, result: {} })));
    sock.write(Buffer.concat(out));
    setTimeout(() => { if (!pongSeen) console.log('no pong'); }, 3000);
  } else if (scenario === 'early') {
    sock.write(frame(1, JSON.stringify({ method: 'HeapProfiler.addHeapSnapshotChunk', params: { chunk: chunks[0] } })));
    sock.write(frame(1, JSON.stringify({ method: 'HeapProfiler.addHeapSnapshotChunk', params: { chunk: chunks[1] } })));
    setTimeout(() => sock.destroy(), 200);
  } else if (scenario === 'huge') {
    const h = Buffer.alloc(10);
    h[0] = 0x81; h[1] = 127; h.writeBigUInt64BE(1n << 40n, 2);
    sock.write(h);
    sock.write(Buffer.alloc(65536, 0x41));
  } else if (scenario === 'error') {
    sock.write(frame(1, JSON.stringify({ id: req.id, error: { code: -32000, message: 'odd inspector says no' } })));
  }
}
let pongSeen = false;
const origLog = console.log;
console.log = (...a) => { if (a[0] === 'pong ok') pongSeen = true; origLog(...a); };
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
