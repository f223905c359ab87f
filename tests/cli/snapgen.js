// Writes a tiny heap snapshot for the CLI tests:
//   node snapgen.js OUT SPEC...
// The graph: root (synthetic, id 1) -element-> global (object "global", id 3)
// -property p0, p1, ...-> one node per object of the SPECs.  Each SPEC is
// TYPE:NAME:IDS:SIZE where TYPE is a V8 node type (object, string, closure,
// ...), IDS is one id or FIRST-LAST (every odd id of the range, as V8 gives JS
// objects) and SIZE the shallow size of each.  Every object is reachable and
// dominated by global, so its retained size is its shallow size.
'use strict';
const fs = require('fs');
const [out, ...specs] = process.argv.slice(2);
if (!out) {
	console.error('usage: snapgen.js OUT TYPE:NAME:IDS:SIZE...');
	process.exit(2);
}
const types = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number',
	'native', 'synthetic', 'concatenated string', 'sliced string', 'symbol', 'bigint',
	'object shape'];
const strings = [''];
const str = (s) => {
	let i = strings.indexOf(s);
	if (i < 0) { i = strings.length; strings.push(s); }
	return i;
};
const objs = [];
for (const spec of specs) {
	const m = /^([^:]+):(.*):(\d+)(?:-(\d+))?:(\d+)$/.exec(spec);
	if (!m || types.indexOf(m[1]) < 0) throw new Error('bad spec ' + spec);
	const first = +m[3], last = m[4] === undefined ? first : +m[4];
	for (let id = first; id <= last; id += 2)
		objs.push({ type: types.indexOf(m[1]), name: m[2], id, size: +m[5] });
}
const F = 7; // type, name, id, self_size, edge_count, trace_node_id, detachedness
const nodes = [types.indexOf('synthetic'), str(''), 1, 0, 1, 0, 0,
	types.indexOf('object'), str('global'), 3, 10, objs.length, 0, 0];
for (const o of objs) nodes.push(o.type, str(o.name), o.id, o.size, 0, 0, 0);
const edges = [1, 1, F]; // root -element[1]-> global
objs.forEach((o, i) => edges.push(2, str('p' + i), (2 + i) * F));
const snap = {
	snapshot: {
		meta: {
			node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'],
			node_types: [types, 'string', 'number', 'number', 'number', 'number', 'number'],
			edge_fields: ['type', 'name_or_index', 'to_node'],
			edge_types: [['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'],
				'string_or_number', 'node'],
		},
		node_count: nodes.length / F,
		edge_count: edges.length / 3,
	},
	nodes, edges, strings,
};
fs.writeFileSync(out, JSON.stringify(snap));
