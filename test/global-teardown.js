// After every test file: anything still open in jest's process would keep the run from exiting.
// Named here so a hang has a cause on record; jest.config.js's forceExit then ends the run.
module.exports = async function globalTeardown() {
  const open = () => process.getActiveResourcesInfo().filter((t) => t !== 'TTYWrap' && t !== 'PipeWrap');
  const deadline = Date.now() + 3000;
  let left = open();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = open();
  }
  if (left.length > 0) process.stderr.write(`[leak-check] still open after all tests: ${left.join(', ')}\n`);
};
