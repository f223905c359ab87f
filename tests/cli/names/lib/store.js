// lib/store.js of tests/cli/names/main.js
"use strict";

class Entry {
  constructor(key) {
    this.key = key;
  }
}

function makeHandler(n) {
  return function handler() {
    return n;
  };
}

module.exports = { Entry, makeHandler };
