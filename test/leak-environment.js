// On a 2-core machine jest runs every test file inside its own process, one after another, so a handle
// one file leaves open (a server, a socket, a timer) would keep the whole run from exiting (CI once
// hung that way). This environment compares the process's active resources before and after each
// file and names the file that left some behind; jest.config.js's forceExit then ends the run.
const { TestEnvironment } = require('jest-environment-node');
const fs = require('node:fs');

const GRACE_MS = 2000;

function tally(list) {
  const m = new Map();
  for (const t of list) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

function extra(before, after) {
  const out = [];
  for (const [t, n] of after) {
    const k = n - (before.get(t) ?? 0);
    if (k > 0) out.push(`${t} x${k}`);
  }
  return out;
}

class LeakCheckEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.testPath = context.testPath;
  }
  async setup() {
    await super.setup();
    this.before = tally(process.getActiveResourcesInfo());
  }
  async teardown() {
    const deadline = Date.now() + GRACE_MS;
    let left = extra(this.before, tally(process.getActiveResourcesInfo()));
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      left = extra(this.before, tally(process.getActiveResourcesInfo()));
    }
    if (left.length > 0) {
      const line = `[leak-check] ${this.testPath} left open: ${left.join(', ')}\n`;
      process.stderr.write(line);
      if (process.env.LEAK_LOG) fs.appendFileSync(process.env.LEAK_LOG, line);
    }
    await super.teardown();
  }
}

module.exports = LeakCheckEnvironment;
