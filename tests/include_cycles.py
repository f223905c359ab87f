#!/usr/bin/env python3
"""include_cycles.py ROOT: fails (exit 1) on any include cycle among the
headers and sources of ROOT/src and ROOT/include.

Two graphs are checked.  Files: an edge from each file to every file its
#include "..." lines name (resolved as the compiler does: the including
file's folder, then src/, then include/).  Modules: a module is a source and
its headers (src/X.c, src/X.h and include/hsnap/X.h are module X; src/cli/X.c
and src/cli/X.h are cli/X; src/X_Y.c and src/X_Y.h, e.g. index_open.c or
load_internal.h, belong to X when src/X.c exists), with an edge from module
A to module B when a file of A includes a header of B.  A cycle among modules (X.c includes Y.h
while Y.h includes X.h) means neither module can be understood, tested or
replaced without the other.  Prints each cycle found; exit 0 when none."""
import os
import re
import sys

root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
src, inc = os.path.join(root, "src"), os.path.join(root, "include")
files = []
for top in (src, inc):
    for d, _, names in os.walk(top):
        files += [os.path.join(d, n) for n in sorted(names) if n.endswith((".c", ".h"))]
include_re = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def resolve(f, name):
    for base in (os.path.dirname(f), src, inc):
        p = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(p):
            return p
    return None  # generated (hsnap/version.h) or outside the tree


def module(f):
    rel = os.path.relpath(f, root)
    stem = os.path.splitext(rel)[0]
    if stem.startswith("include/hsnap/"):
        return stem[len("include/hsnap/"):]
    stem = stem[len("src/"):]
    head = stem.split("_")[0]
    if head != stem and os.path.isfile(os.path.join(src, head + ".c")):
        return head
    return stem


edges = {f: set() for f in files}
for f in files:
    with open(f, encoding="utf-8", errors="replace") as fh:
        for name in include_re.findall(fh.read()):
            p = resolve(f, name)
            if p and p in edges:
                edges[f].add(p)


def cycles(graph):
    """One cycle per strongly connected component of more than one node
    (or a node with an edge to itself); iterative Tarjan."""
    index, low, on, stack, out, n = {}, {}, set(), [], [], 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = n
        n += 1
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = n
                    n += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1 or v in graph[v]:
                    out.append(sorted(comp))
    return out


def show(f):
    return os.path.relpath(f, root)


mods = {}
why = {}  # (module a, module b) -> (file of a, header of b) that makes the edge
for f in files:
    m = mods.setdefault(module(f), set())
    for t in sorted(edges[f]):
        if module(t) != module(f):
            m.add(module(t))
            why.setdefault((module(f), module(t)), (f, t))


def shortest_cycle(graph, comp):
    """The shortest cycle through the members of comp (BFS from each)."""
    members, best = set(comp), None
    for start in comp:
        parent, queue = {start: None}, [start]
        for v in queue:
            if start in graph[v]:
                path = [v]
                while parent[path[-1]] is not None:
                    path.append(parent[path[-1]])
                path = path[::-1] + [start]
                if best is None or len(path) < len(best):
                    best = path
                break
            for w in sorted(graph[v]):
                if w in members and w not in parent:
                    parent[w] = v
                    queue.append(w)
    return best


bad = 0
for comp in cycles(edges):
    bad += 1
    print("include cycle among files: " + " -> ".join(show(f) for f in shortest_cycle(edges, comp)))
for comp in cycles(mods):
    bad += 1
    path = shortest_cycle(mods, comp)
    print("include cycle among modules (%s): %s" % (" ".join(comp), " -> ".join(path)))
    for a, b in zip(path, path[1:]):
        print("  %s includes %s" % tuple(show(f) for f in why[(a, b)]))
if bad:
    sys.exit(1)
print("no include cycles (%d files, %d modules)" % (len(files), len(mods)))
