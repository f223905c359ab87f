// Re-runs the hsnap commands a markdown document shows and compares their
// output with the document's (run_doc_examples.sh).
//   node doc_examples.js HSNAP ROOT DOC...
// In a fenced block, "$ CMD" lines are commands and the lines up to the next
// "$ " or the fence their output; a line that is only "…" stands for any
// number of lines (the document left them out; it may also stop before the
// output ends).  "$ echo $?" after a command gives its exit
// code.  Checked: commands that start with "hsnap " and whose snapshot files
// are all under fixtures/ (the others need files a reader makes first), run
// with bash from ROOT, stderr folded into stdout, HSNAP_NO_INDEX=1.  Prints
// one line per problem and "N examples checked, M differ".
"use strict";
const fs = require("fs"), path = require("path"), { spawnSync } = require("child_process");
const [hsnap, root, ...docs] = process.argv.slice(2);
const env = { ...process.env, HSNAP_NO_INDEX: "1", PATH: path.dirname(path.resolve(hsnap)) + ":" + process.env.PATH };
let checked = 0, bad = 0;

function blocks(file) {
  const out = [], lines = fs.readFileSync(file, "utf8").split("\n");
  let fence = false, cur = null;
  lines.forEach((l, i) => {
    if (l.startsWith("```")) { if (cur) out.push(cur); cur = null; fence = !fence; return; }
    if (!fence) return;
    if (l.startsWith("$ ")) { if (cur) out.push(cur); cur = { cmd: l.slice(2), line: i + 1, out: [] }; }
    else if (cur) cur.out.push(l);
  });
  return out;
}

// expected lines (with "…" lines) against the output's lines: each run of
// lines found in order, the first at the start unless "…" comes before it
function matches(exp, got) {
  const segs = [[]];
  for (const l of exp) if (l.trim() === "…") segs.push(null, []); else segs[segs.length - 1].push(l);
  let pos = 0, anchored = true;
  for (const s of segs) {
    if (s === null) { anchored = false; continue; }
    if (!s.length) continue;
    let at = -1;
    for (let p = pos; p <= (anchored ? pos : got.length - s.length) && at < 0; p++)
      if (s.every((l, j) => got[p + j] === l)) at = p;
    if (at < 0) return "not in the output: " + JSON.stringify(s.slice(0, 2));
    pos = at + s.length;
    anchored = true;
  }
  return null;
}

for (const doc of docs) {
  const bs = blocks(doc);
  bs.forEach((b, i) => {
    if (!b.cmd.startsWith("hsnap ")) return;
    const files = b.cmd.split(/\s+/).filter((w) => /heapsnapshot/.test(w));
    if (!files.length || !files.every((f) => f.replace(/^['"]/, "").startsWith("fixtures/"))) return;
    const next = bs[i + 1];
    const wantRc = next && next.cmd === "echo $?" ? Number(next.out[0]) : null;
    const r = spawnSync("bash", ["-c", b.cmd + " 2>&1"], { cwd: root, env, encoding: "utf8", maxBuffer: 1 << 28 });
    const got = r.stdout.replace(/\n$/, "").split("\n"), exp = b.out.slice();
    while (exp.length && exp[exp.length - 1] === "") exp.pop();
    checked++;
    let why = matches(exp, got);
    if (!why && wantRc !== null && r.status !== wantRc) why = "exit " + r.status + ", the document says " + wantRc;
    if (why) { bad++; console.log(`${path.basename(doc)}:${b.line}: ${b.cmd}: ${why}`); }
  });
}
console.log(`${checked} examples checked, ${bad} differ`);
process.exit(bad ? 1 : 0);
