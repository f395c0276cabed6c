// The mocha runner inside VS Code's extension host. test/host/runIntegration.mjs bundles this file and
// every test/integration/**/*.test.ts into test-output/integration/suite.js, whose `run()` (the
// extensionTestsPath entry VS Code calls) is `runTests(() => { require(each test file) })`.
// The promise settles the exit code that the runner propagates.
import Mocha from 'mocha';

export function runTests(loadTests: () => void): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    reporter: 'spec',
    timeout: Number(process.env.SEQLAB_TEST_TIMEOUT_MS ?? 60_000),
    grep: process.env.SEQLAB_TEST_GREP || undefined,
  });
  // The test files are bundled, not loaded through mocha.addFile: expose `suite`/`test`/… on the global
  // object first (what mocha does per file), then evaluate them.
  mocha.suite.emit('pre-require', globalThis, 'suite.js', mocha);
  loadTests();
  return new Promise((resolve, reject) => {
    mocha.run((failures) => {
      console.log(`${mocha.suite.total() - failures} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
  });
}
