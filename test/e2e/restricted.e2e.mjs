// End-to-end: SeqLab in Restricted Mode (the folder opened untrusted, workspace trust on, as in the
// integration suite's untrusted pass). The palette does not offer Train; the Train CodeLens answers with
// the explanation and a "Manage Workspace Trust" button, which opens VS Code's Workspace Trust editor; no run
// starts. Screenshots: test-output/e2e/restricted-*.png
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { withWorkbench } from '../host/workbench.mjs';
import { defaultExtensionPath } from '../host/codeServer.mjs';

const extensionPath = defaultExtensionPath();
const isProbe = extensionPath.endsWith(path.join('test', 'host', 'probe'));

test('Restricted Mode: Train explains why not and offers Manage Workspace Trust', { skip: isProbe && 'needs the real extension (npm run build)', timeout: 600_000 }, async () => {
  await withWorkbench('restricted', { extensionPath, workspaceTrust: true }, async (wb) => {
    const page = wb.page;
    await wb.openFile('tiny.seqlab.json');

    // the lens shows once the extension is active and has indexed the configs
    await wb.codeLens('▶ Train').waitFor();

    // the palette lists SeqLab's commands that work untrusted, not Train or Compare
    await wb.openPalette('>SeqLab: ', wb.quickPickRow('SeqLab: Validate Config'));
    const offered = await page.locator('.quick-input-widget .quick-input-list .monaco-list-row .label-name').allInnerTexts();
    assert.ok(!offered.includes('SeqLab: Train'), `palette: ${offered.join(' | ')}`);
    assert.ok(!offered.some((t) => t.startsWith('SeqLab: Compare Cells')), `palette: ${offered.join(' | ')}`);
    await page.keyboard.press('Escape');

    // the CodeLens is still there; clicking it explains instead of training
    await wb.clickCodeLens('▶ Train');
    const text = await wb.waitForNotification('SeqLab does not train in Restricted Mode');
    assert.match(text, /Runs and dashboards stay available\. Trust the workspace to train\./);
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'SeqLab does not train in Restricted Mode' }).first();
    const button = toast.locator('.monaco-button', { hasText: 'Manage Workspace Trust' });
    await button.waitFor({ state: 'visible' });
    await wb.settled(toast);
    await wb.screenshot('restricted-01-train-explained');

    await button.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'Workspace Trust' }).waitFor();
    const editor = page.locator('.workspace-trust-editor');
    await editor.waitFor({ state: 'visible' });
    await editor.locator('.monaco-button', { hasText: /^Trust$/ }).first().waitFor({ state: 'visible' });
    assert.match(await editor.innerText(), /You are in Restricted Mode/);
    await wb.screenshot('restricted-02-workspace-trust-editor');

    // nothing was trained
    const runs = path.join(wb.folder, '.seqlab', 'runs');
    assert.deepEqual(fs.existsSync(runs) ? fs.readdirSync(runs) : [], []);
  });
});
