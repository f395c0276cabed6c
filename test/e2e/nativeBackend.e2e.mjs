// End-to-end: SeqLab: Install Native Backend from the palette, without the network. The environment names
// a stand-in package (test/fixtures/native-backend/tfjs-node) that npm installs like tfjs-node, its install
// script taking a few seconds. Asked first (modal), then a cancellable progress notification that shows
// npm's output, a success toast whose Show Log opens the SeqLab output with npm's lines; run again, the
// command offers Reinstall / Remove. Screenshots: test-output/e2e/native-*.png
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { withWorkbench } from '../host/workbench.mjs';
import { defaultExtensionPath, repoRoot } from '../host/codeServer.mjs';

const extensionPath = defaultExtensionPath();
const isProbe = extensionPath.endsWith(path.join('test', 'host', 'probe'));
const env = {
  SEQLAB_NATIVE_BACKEND_PACKAGE: path.join(repoRoot, 'test/fixtures/native-backend/tfjs-node'),
  SEQLAB_FIXTURE_INSTALL_MS: '6000',
};

test('Install Native Backend: asks, installs with a progress notification, then offers Reinstall and Remove', { skip: isProbe && 'needs the real extension (npm run build)', timeout: 600_000 }, async () => {
  await withWorkbench('native', { extensionPath, env }, async (wb) => {
    const page = wb.page;
    const toast = (text) => page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();

    await wb.runCommand('SeqLab: Install Native Backend');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Install .*tfjs-node.*native TensorFlow engine/s);
    await wb.screenshot('native-01-confirm');
    await dialog.locator('.monaco-button', { hasText: /^Install$/ }).click();

    const progress = toast('SeqLab: installing');
    await progress.waitFor();
    await progress.locator('.monaco-button', { hasText: 'Cancel' }).waitFor();
    // npm's output reaches the notification while the install script runs
    await toast(/SeqLab fixture: (building|install script)/).waitFor();
    await wb.settled(progress);
    await wb.screenshot('native-02-progress');

    const done = await wb.waitForNotification('native TensorFlow engine installed');
    assert.match(done, /tfjs-node 4\.22\.0-seqlab-fixture/);
    await wb.settled(toast('native TensorFlow engine installed'));
    await wb.screenshot('native-03-installed');
    await toast('native TensorFlow engine installed').locator('.monaco-button', { hasText: 'Show Log' }).click();
    const output = page.locator('.part.panel .monaco-editor .view-lines');
    await output.filter({ hasText: 'SeqLab fixture: building' }).waitFor();
    // (the output view renders spaces as no-break spaces)
    assert.match((await output.innerText()).replace(/\u00a0/g, ' '), /\[native\] installed tfjs-node 4\.22\.0-seqlab-fixture into \S*globalStorage/);
    await wb.screenshot('native-04-output');

    await wb.clearNotifications();
    await wb.runCommand('SeqLab: Install Native Backend');
    const installed = toast('is installed');
    await installed.waitFor();
    for (const b of ['Reinstall', 'Remove']) await installed.locator('.monaco-button', { hasText: b }).waitFor();
    await wb.settled(installed);
    await wb.screenshot('native-05-reinstall-or-remove');
    await installed.locator('.monaco-button', { hasText: 'Remove' }).click();
    await wb.waitForNotification('native TensorFlow engine removed');
  });
});
