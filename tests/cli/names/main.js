// tests/cli/run_script_names.sh and tests/report/run_report.sh: a program of
// two scripts in one directory (this file and lib/store.js), copied into a
// temporary folder and run there: node main.js OUT.heapsnapshot
// Kept alive when the snapshot is taken: 7 Widget (constructed here), 5
// Entry and 200 closures of handler (both from lib/store.js).
"use strict";
const v8 = require("v8");
const { Entry, makeHandler } = require("./lib/store.js");

class Widget {
  constructor(i) {
    this.i = i;
  }
}

globalThis.kept = {
  widgets: Array.from({ length: 7 }, (_, i) => new Widget(i)),
  entries: Array.from({ length: 5 }, (_, i) => new Entry(i)),
  handlers: Array.from({ length: 200 }, (_, i) => makeHandler(i)),
};
v8.writeHeapSnapshot(process.argv[2]);
