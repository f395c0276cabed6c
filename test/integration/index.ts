// The mocha runner inside VS Code's extension host. test/host/runIntegration.mjs bundles this file and
// every test/integration/**/*.test.ts into test-output/integration/suite.js, whose `run()` (the
// extensionTestsPath entry VS Code calls) is `runTests(() => { require(each test file) })`.
// The promise settles the exit code that the runner propagates.
import Mocha from 'mocha';

export interface RunOptions {
  /** only tests whose full title contains this (runIntegration.mjs --grep) */
  grep?: string;
}

export function runTests(loadTests: () => void, options: RunOptions = {}): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, reporter: 'spec', timeout: 60_000 });
  if (options.grep) mocha.grep(options.grep);
  // The test files are bundled, not loaded through mocha.addFile: expose `suite`/`test`/… on the global
  // object first (what mocha does per file), then evaluate them.
  mocha.suite.emit('pre-require', globalThis, 'suite.js', mocha);
  loadTests();
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      console.log(`${runner.stats?.passes ?? 0} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
  });
}
