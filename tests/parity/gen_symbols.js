'use strict';
// Writes ONE heap snapshot whose plain Objects have repeated property names, the
// case of issue 10 ("class names with repeated property names"): V8 names a
// symbol-keyed property edge `<symbol DESCRIPTION>` (`<symbol>` without a
// description), so two symbols with the same description give two property edges
// of the same name.  DevTools counts the repeat when it infers an interface and
// when it matches an object to one (run_symbols.sh compares hsnap with it).
// Usage: node --expose-gc tests/parity/gen_symbols.js OUT.heapsnapshot
const v8 = require('v8');

const out = process.argv[2];
if (!out) { console.error('usage: gen_symbols.js OUT.heapsnapshot'); process.exit(2); }
const keep = (global.__hsnapSymbols = {});
const sym = (d) => (d === undefined ? Symbol() : Symbol(d));
const make = (n, f) => Array.from({ length: n }, (_, i) => f(i));
// V8 writes property edges only to heap objects (not to small integers), and an
// object whose Symbol.toStringTag is a string is named by it: every value is V.
const V = { value: 'shared' };
keep.V = V;

// {<symbol>} and {<symbol>, <symbol>}, {<symbol>, <symbol>, <symbol>}: one
// interface each, all three chains of one trie path
keep.one = make(40, () => ({ [sym()]: V }));
keep.two = make(30, () => ({ [sym()]: V, [sym()]: V }));
keep.three = make(20, () => ({ [sym()]: V, [sym()]: V, [sym()]: V }));
// objects whose own shape is unique (count 1, not an interface): they match the
// best definition that is a sub-multiset of their properties
keep.twoPlus = make(25, (i) => ({ [sym()]: V, [sym()]: V, ['u' + i]: V }));
keep.fourPlus = make(15, (i) => ({ [sym()]: V, [sym()]: V, [sym()]: V, [sym()]: V, ['v' + i]: V }));
// a repeated name that sorts before and after other properties
keep.tag = make(12, () => ({ [Symbol.toStringTag]: V, [sym('Symbol.toStringTag')]: V, a: V }));
keep.tagPlus = make(10, (i) => ({ [Symbol.toStringTag]: V, [sym('Symbol.toStringTag')]: V, a: V, ['w' + i]: V }));
keep.tagOnly = make(6, (i) => ({ [sym('Symbol.toStringTag')]: V, ['t' + i]: V }));
keep.ctor = make(8, () => ({ constructor: V, [sym('constructor')]: V }));
keep.ctorTwice = make(9, (i) => ({ constructor: V, [sym('k')]: V, [sym('k')]: V, ['c' + i]: V }));
keep.zz = make(7, (i) => ({ [sym('k')]: V, [sym('k')]: V, zz: V, ['z' + i]: V }));
keep.kOnly = make(5, () => ({ [sym('k')]: V, zz: V }));

if (global.gc) global.gc();
v8.writeHeapSnapshot(out);
