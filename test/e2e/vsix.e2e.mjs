// End-to-end: `npm run package` builds the .vsix, code-server installs it (not development mode), the
// extension activates and a command works. Screenshot: test-output/e2e/vsix-*.png
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { withWorkbench } from '../host/workbench.mjs';
import { defaultExtensionPath, repoRoot } from '../host/codeServer.mjs';
import { zipEntries } from '../../scripts/package.mjs';

const isProbe = defaultExtensionPath().endsWith(path.join('test', 'host', 'probe'));
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

test('the packaged .vsix installs into code-server and its commands work', { skip: isProbe && 'needs the real extension', timeout: 600_000 }, async () => {
  const vsix = path.join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
  fs.rmSync(vsix, { force: true });
  const r = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
  assert.ok(fs.existsSync(vsix), `${vsix} was not written`);
  const size = fs.statSync(vsix).size;
  const names = zipEntries(vsix).map((e) => e.name);
  console.log(`# ${path.basename(vsix)}: ${(size / 1024).toFixed(0)} KiB, ${names.length} entries`);
  for (const f of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/webview.js']) assert.ok(names.includes(f), `${f} missing from the .vsix`);

  await withWorkbench('vsix', { vsix }, async (wb) => {
    assert.equal(wb.extensionPath, undefined, 'installed, not in development mode');
    await wb.openFile('broken.seqlab.json');
    await wb.runCommand('SeqLab: Validate Config');
    assert.match(await wb.waitForNotification('broken.seqlab.json'), /[1-9]\d* error/);
    // the installed copy, not the repo, is what runs
    await wb.runCommand('Developer: Show Running Extensions');
    const row = wb.page.locator('.runtime-extensions-editor .monaco-list-row').filter({ hasText: manifest.displayName }).first();
    await row.waitFor();
    await wb.screenshot('vsix-01-installed-validate');
    const toasts = await wb.notifications();
    assert.ok(!toasts.some((t) => /not found|Error running command|activat/i.test(t)), `toasts: ${toasts.join(' | ')}`);
  });
});
