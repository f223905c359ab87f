// es2024-polyfill.mjs: the ES2024 built-ins that the 2026 DevTools heap snapshot worker
// (npm chrome-devtools-mcp, build/src/third_party/devtools-heap-snapshot-worker.js) uses and
// Node 20 lacks. Loaded with `node --import ./es2024-polyfill.mjs ...`; worker threads inherit
// process.execArgv, so DevTools' second worker thread gets it too. Each shim is installed only
// where the built-in is missing (Node >= 22 has them all), with the semantics of the spec.
if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true, writable: true,
    value: function withResolvers() {
      let resolve, reject;
      const promise = new this((res, rej) => { resolve = res; reject = rej; });
      return { promise, resolve, reject };
    },
  });
}
function groupInto(items, callback, add) {
  let i = 0;
  for (const item of items) add(callback(item, i++), item);
}
if (typeof Object.groupBy !== 'function') {
  Object.defineProperty(Object, 'groupBy', {
    configurable: true, writable: true,
    value: function groupBy(items, callback) {
      const out = Object.create(null);
      groupInto(items, callback, (k, v) => { k = typeof k === 'symbol' ? k : String(k); (out[k] ??= []).push(v); });
      return out;
    },
  });
}
if (typeof Map.groupBy !== 'function') {
  Object.defineProperty(Map, 'groupBy', {
    configurable: true, writable: true,
    value: function groupBy(items, callback) {
      const out = new Map();
      groupInto(items, callback, (k, v) => { if (!out.has(k)) out.set(k, []); out.get(k).push(v); });
      return out;
    },
  });
}
