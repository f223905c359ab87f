#!/bin/bash
# Builds the seed corpus for fuzz_load: the tiny fixtures, hand-written small
# snapshots (5/6/7-field node layouts, locations with 4 and 5 fields, WeakMap
# ephemeron edge names, detached natives, plain objects with property edges,
# trace tree / samples, reordered keys, Julia-style enums) and tiny valid
# subsets cut from the real fixtures (first N nodes, edges kept only when the
# target survives, strings compacted).  Usage: make_corpus.sh [OUTDIR]
#
# make_corpus.sh --index [OUTDIR] instead writes seeds for fuzz_index: the
# indexes an hsnap binary (HSNAP, or the first of build*/hsnap) writes for the
# tiny fixtures.  --baseline [OUTDIR]: seeds for fuzz_baseline (the summary
# JSON of each tiny fixture, and hand-written small and awkward baselines);
# --rules [OUTDIR]: seeds for fuzz_rules (the rules of docs/ci.md and the
# tests, each with a class name and 16 bytes of value and base).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ "${1:-}" = --index ]; then
  out=${2:-$here/corpus-index}
  hsnap=${HSNAP:-$(ls "$root"/build*/hsnap 2>/dev/null | head -1)}
  [ -x "$hsnap" ] || { echo "make_corpus.sh: build hsnap first (or set HSNAP)" >&2; exit 1; }
  mkdir -p "$out"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  cp "$root"/fixtures/tiny/*.heapsnapshot "$tmp"/
  for f in "$tmp"/*.heapsnapshot; do
    HSNAP_NO_INDEX=0 "$hsnap" summary "$f" >/dev/null
    cp "$f.hsnapidx" "$out/$(basename "$f").hsnapidx"
  done
  echo "wrote $(ls "$out" | wc -l) index seeds to $out"
  exit 0
fi
if [ "${1:-}" = --baseline ]; then
  out=${2:-$here/corpus-baseline}
  hsnap=${HSNAP:-$(ls "$root"/build*/hsnap 2>/dev/null | head -1)}
  [ -x "$hsnap" ] || { echo "make_corpus.sh: build hsnap first (or set HSNAP)" >&2; exit 1; }
  mkdir -p "$out"
  for f in "$root"/fixtures/tiny/*.heapsnapshot; do
    HSNAP_NO_INDEX=1 "$hsnap" summary --format json "$f" >"$out/$(basename "$f").json"
  done
  printf '%s' '{"node_count":0,"total_size":0,"classes":[]}' >"$out/empty.json"
  printf '%s' '{"node_count":3,"total_size":30,"classes":[{"name":"A","count":1,"self_size":10,"retained_size":30},{"name":"B\u00e9\ud800","count":2,"self_size":20,"retained_size":20}],"node_count":4}' >"$out/dupkey.json"
  printf '%s' '{"classes":[{"name":"A","count":9223372036854775807,"self_size":0,"retained_size":0}],"node_count":1,"total_size":1}' >"$out/big.json"
  echo "wrote $(ls "$out" | wc -l) baseline seeds to $out"
  exit 0
fi
if [ "${1:-}" = --rules ]; then
  out=${2:-$here/corpus-rules}
  mkdir -p "$out"
  i=0
  for r in '*:count>1000' 'total:self>5%' 'Detached *:count>0' 'total:retained>2MiB' \
           '[A-Z]*:new>10' 'Foo?:self>1.5MB' 'total:count>0' '*:retained>10%'; do
    printf '%s\nDetached HTMLDivElement\n0123456789abcdef' "$r" >"$out/rule-$i"
    i=$((i + 1))
  done
  echo "wrote $i rule seeds to $out"
  exit 0
fi
out=${1:-$here/corpus}
mkdir -p "$out"
cp "$root"/fixtures/tiny/*.heapsnapshot "$out"/
python3 - "$out" "$root/fixtures" <<'PY'
import gzip, json, os, sys, glob
out, fixtures = sys.argv[1], sys.argv[2]
NT = ["hidden","array","string","object","code","closure","regexp","number","native",
      "synthetic","concatenated string","sliced string","symbol","bigint","object shape"]
ET = ["context","element","property","internal","hidden","shortcut","weak"]

def snap(fields, nodes, edges, strings, loc_fields=None, locations=None, extra=None,
         order=None, nt=NT, et=ET, trace=False, header_extra=None):
    """nodes: list of dicts with type,name,id,self,trace,detach ; edges: (from,type,name,to)."""
    nf = len(fields)
    meta = {"node_fields": fields,
            "node_types": [nt] + ["string"] + ["number"] * (nf - 2),
            "edge_fields": ["type","name_or_index","to_node"],
            "edge_types": [et, "string_or_number", "node"]}
    if trace:
        meta["trace_function_info_fields"] = ["function_id","name","script_name","script_id","line","column"]
        meta["trace_node_fields"] = ["id","function_info_index","count","size","children"]
        meta["sample_fields"] = ["timestamp_us","last_assigned_id"]
    if loc_fields: meta["location_fields"] = loc_fields
    strs = list(strings)
    def sid(s):
        if s not in strs: strs.append(s)
        return strs.index(s)
    counts = [0] * len(nodes)
    for e in edges: counts[e[0]] += 1
    flat = []
    for i, n in enumerate(nodes):
        row = {"type": nt.index(n["type"]), "name": sid(n["name"]), "id": n["id"],
               "self_size": n.get("self", 0), "edge_count": counts[i],
               "trace_node_id": n.get("trace", 0), "detachedness": n.get("detach", 0)}
        flat += [row[f] for f in fields]
    eflat = []
    for (f, t, name, to) in sorted(edges, key=lambda e: e[0]):
        nm = name if t in ("element", "hidden") else sid(name)
        eflat += [et.index(t), nm, to * nf]
    header = {"meta": meta, "node_count": len(nodes), "edge_count": len(edges)}
    if trace: header["trace_function_count"] = 2
    if header_extra: header.update(header_extra)
    doc = {"snapshot": header, "nodes": flat, "edges": eflat}
    if trace:
        doc["trace_function_infos"] = [0, sid("(root)"), sid(""), 0, 0, 0, 1, sid("foo"), sid("a.js"), 3, 10, 2]
        doc["trace_tree"] = [1, 0, 0, 0, [2, 1, 3, 96, [3, 1, 1, 32, []]]]
        doc["samples"] = [100, 9, 200, 15]
    if locations is not None: doc["locations"] = locations
    if extra: doc.update(extra)
    doc["strings"] = strs
    keys = order or list(doc.keys())
    return "{" + ",\n".join(json.dumps(k) + ":" + json.dumps(doc[k], ensure_ascii=True, separators=(",", ":")) for k in keys) + "}"

def N(t, name, id, self=0, **kw):
    d = {"type": t, "name": name, "id": id, "self": self}; d.update(kw); return d

F7 = ["type","name","id","self_size","edge_count","trace_node_id","detachedness"]
F6 = ["type","name","id","self_size","edge_count","trace_node_id"]
F6d = ["type","name","id","self_size","edge_count","detachedness"]
F5 = ["type","name","id","self_size","edge_count"]

# Common small graph: root -> (GC roots), root -shortcut-> global, objects, a weakmap.
base_nodes = [N("synthetic", "", 1), N("synthetic", "(GC roots)", 3), N("object", "global", 5, 40),
              N("object", "Foo", 7, 32, trace=3), N("object", "Bar", 9, 24), N("object", "WeakMap", 11, 24),
              N("array", "(object properties)", 13, 64), N("object", "Object", 15, 16),
              N("string", "hello \u00e9\u2028", 17, 20), N("closure", "make", 19, 32),
              N("hidden", "system / Context", 21, 48), N("object", "Object", 23, 16)]
wm = "1 / part of key (Foo @7) -> value (Bar @9) pair in WeakMap (table @13)"
base_edges = [(0, "element", 1, 1), (0, "shortcut", "2", 2), (1, "element", 0, 2),
              (2, "property", "foo", 3), (2, "property", "wm", 5), (2, "property", "make", 9),
              (5, "internal", "table", 6), (6, "internal", wm, 4), (3, "internal", wm, 4),
              (2, "property", "o", 7), (7, "property", "a", 8), (7, "property", "b", 11),
              (11, "property", "a", 8), (11, "property", "b", 3), (9, "internal", "context", 10),
              (10, "context", "captured", 7), (4, "weak", "back", 3), (3, "property", "self", 3),
              (8, "weak", "w", 0), (3, "hidden", 7, 10)]
seeds = {}
seeds["v7_locations"] = snap(F7, base_nodes, base_edges, ["<dummy>"], ["object_index","script_id","line","column"],
                             [3 * 7, 4, 10, 2, 9 * 7, 4, 1, 0], trace=True)
seeds["v6_trace"] = snap(F6, base_nodes, base_edges, ["<dummy>"], ["object_index","script_id","line","column"],
                         [3 * 6, 4, 10, 2], trace=True)
seeds["v6_detach_loc5"] = snap(F6d, base_nodes, base_edges, ["<dummy>"],
                               ["object_index","script_id","script_object_index","line","column"],
                               [3 * 6, 4, 10 * 6, 10, 2], header_extra={"extra_native_bytes": 4096})
seeds["v5_old"] = snap(F5, base_nodes, base_edges, ["<dummy>"])
seeds["v7_strings_first"] = snap(F7, base_nodes, base_edges, ["<dummy>"], order=["strings", "edges", "nodes", "snapshot"])
seeds["v7_extra_keys"] = snap(F7, base_nodes, base_edges, ["<dummy>"], extra={"future": {"x": [1, [2, {}]], "y": None, "z": True}},
                              header_extra={"title": "t", "uid": 1})
# Detached DOM: natives, attached/detached, a JS object retained by a detached node.
dom_nodes = [N("synthetic", "", 1), N("synthetic", "(GC roots)", 3), N("object", "Window / https://x", 5, 40),
             N("synthetic", "(Document DOM trees)", 7), N("native", "HTMLDivElement", 8, 100, detach=1),
             N("native", "<div id=\"a\">", 10, 80, detach=2), N("native", "HTMLSpanElement", 12, 60),
             N("object", "Listener", 9, 32), N("native", "Detached <p>", 14, 50, detach=2),
             N("native", "InternalNode", 16, 10)]
dom_edges = [(0, "element", 1, 1), (0, "shortcut", "1", 2), (0, "element", 2, 3), (3, "element", 0, 4),
             (2, "property", "el", 5), (5, "element", 0, 6), (6, "property", "onclick", 7), (5, "internal", "x", 8),
             (8, "weak", "w", 4), (4, "hidden", 0, 9), (9, "hidden", 1, 5)]
seeds["dom_detached"] = snap(F7, dom_nodes, dom_edges, ["<dummy>"], ["object_index","script_id","line","column"], [])
seeds["dom_detached6"] = snap(F6d, dom_nodes, dom_edges, ["<dummy>"])
# detachedness 3: the 2-bit field's last value (the loader takes 0-3; the index
# must too: issue 14, item 21)
dom3_nodes = [dict(n, detach=3) if n.get("detach") == 2 else n for n in dom_nodes]
dom3_nodes[9] = dict(dom3_nodes[9], detach=3)
seeds["dom_detached3"] = snap(F6d, dom3_nodes, dom_edges, ["<dummy>"])
# Plain objects with property edges -> interface inference {a, b}
po_nodes = [N("synthetic", "", 1), N("object", "global", 3, 10)]
po_edges = [(0, "shortcut", "2", 1)]
for i in range(8):
    po_nodes.append(N("object", "Object", 5 + 2 * i, 16 + i))
    po_edges.append((1, "element", i, len(po_nodes) - 1))
    for p in ["a", "b", "c"][: 1 + i % 3]:
        po_edges.append((len(po_nodes) - 1, "property", p, 1))
po_nodes.append(N("concatenated string", "ab", 99, 32)); po_nodes.append(N("string", "a", 101, 16)); po_nodes.append(N("string", "b", 103, 16))
k = len(po_nodes) - 3
po_edges += [(1, "property", "s", k), (k, "internal", "first", k + 1), (k, "internal", "second", k + 2)]
seeds["plain_objects"] = snap(F7, po_nodes, po_edges, ["<dummy>"])
# Unreachable cycle and weak-only retained nodes.
uc_nodes = [N("synthetic", "", 1), N("object", "A", 3, 10), N("object", "B", 5, 20), N("object", "C", 7, 30), N("object", "D", 9, 40)]
uc_edges = [(0, "element", 0, 1), (1, "weak", "w", 2), (2, "property", "c", 3), (3, "property", "b", 2), (4, "property", "d", 4)]
seeds["unreachable"] = snap(F7, uc_nodes, uc_edges, ["<dummy>"])
# Julia-style enums and no <dummy>.
jn = ["synthetic","object","string","array","symbol","native"]; je = ["internal","property","element","hidden"]
seeds["julia_like"] = snap(F7, [N("synthetic", "", 0), N("object", "Main", 2, 40), N("string", "txt", 4, 8), N("native", "malloc", 8, 1000)],
                           [(0, "element", 0, 1), (1, "property", "name", 2), (1, "internal", "data", 3)], ["main_module"], nt=jn, et=je)
seeds["empty_root"] = snap(F7, [N("synthetic", "", 1)], [], ["<dummy>"])
for name, text in seeds.items():
    with open(os.path.join(out, name + ".heapsnapshot"), "w") as f: f.write(text)

# Tiny valid subsets of the real fixtures.
def cut(path, keep):
    with gzip.open(path, "rt") as f: d = json.load(f)
    m = d["snapshot"]["meta"]; nf = len(m["node_fields"]); ef = len(m["edge_fields"])
    nodes, edges, strings = d["nodes"], d["edges"], d["strings"]
    fi = {f: i for i, f in enumerate(m["node_fields"])}; ei = {f: i for i, f in enumerate(m["edge_fields"])}
    ntypes = m["edge_types"][0]
    smap = {}
    def sid(i):
        if i not in smap: smap[i] = len(smap)
        return smap[i]
    sid(0)
    outn, oute = [], []
    e = 0
    for n in range(len(nodes) // nf):
        row = nodes[n * nf:(n + 1) * nf]; ec = row[fi["edge_count"]]
        if n < keep:
            kept = []
            for j in range(ec):
                er = list(edges[(e + j) * ef:(e + j + 1) * ef])
                if er[ei["to_node"]] // nf < keep:
                    t = ntypes[er[ei["type"]]]
                    if t not in ("element", "hidden"): er[ei["name_or_index"]] = sid(er[ei["name_or_index"]])
                    kept += er
            row = list(row); row[fi["name"]] = sid(row[fi["name"]]); row[fi["edge_count"]] = len(kept) // ef
            outn += row; oute += kept
        e += ec
    locs = []
    if "locations" in d:
        lf = len(m.get("location_fields", [])) or 4
        L = d["locations"]
        for i in range(0, len(L), lf):
            r = L[i:i + lf]
            if r[0] // nf < keep and len(locs) < 40: locs += r
    strs = [None] * len(smap)
    for old, new in smap.items(): strs[new] = strings[old][:200]
    h = dict(d["snapshot"]); h["node_count"] = len(outn) // nf; h["edge_count"] = len(oute) // ef
    doc = {"snapshot": h, "nodes": outn, "edges": oute}
    for k in ("trace_function_infos", "trace_tree", "samples"):
        if k in d: doc[k] = []
    doc["locations"] = locs; doc["strings"] = strs
    return json.dumps(doc, separators=(",", ":"))
for p in sorted(glob.glob(os.path.join(fixtures, "*.heapsnapshot.gz"))):
    base = os.path.basename(p).replace(".heapsnapshot.gz", "")
    for keep in (40, 300):
        with open(os.path.join(out, "cut-%s-%d.heapsnapshot" % (base, keep)), "w") as f: f.write(cut(p, keep))
PY
# A gzip seed: the loader sniffs 1f 8b.
gzip -9 -c "$root/fixtures/tiny/diamond.heapsnapshot" > "$out/diamond.heapsnapshot.gz"
n=$(ls "$out" | wc -l); b=$(du -sb "$out" | cut -f1)
echo "corpus: $n files, $b bytes in $out"
