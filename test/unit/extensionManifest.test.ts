import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { COMMANDS, SETTINGS, VIEWS, VIEW_CONTAINER } from '../../src/extension/constants';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const contributes = pkg.contributes ?? {};
const declared: { command: string; title: string; category?: string; icon?: string }[] = contributes.commands ?? [];

test('every contributed command is a constant and every constant is contributed', () => {
  const constants = Object.values(COMMANDS).sort();
  assert.deepEqual(declared.map((c) => c.command).sort(), constants);
});

test('every seqlab.* setting is a constant and vice versa', () => {
  const props = Object.keys(contributes.configuration?.properties ?? {}).filter((k) => k.startsWith('seqlab.'));
  assert.deepEqual(props.sort(), Object.values(SETTINGS).sort());
});

test('activation is not eager and covers configs, the view and the dashboard', () => {
  const events: string[] = pkg.activationEvents;
  assert.ok(!events.includes('*'), 'activationEvents must not contain *');
  assert.ok(!events.includes('onStartupFinished'));
  for (const e of ['workspaceContains:**/*.seqlab.json', `onView:${VIEWS.experiments}`, 'onWebviewPanel:seqlab.dashboard']) assert.ok(events.includes(e), e);
  assert.equal(pkg.main, './dist/extension.js');
  assert.deepEqual(pkg.extensionKind, ['workspace']);
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.ok(pkg.capabilities.untrustedWorkspaces.description.length > 20);
});

test('every command has the SeqLab category and a title; menu commands have icons', () => {
  for (const c of declared) {
    assert.equal(c.category, 'SeqLab', c.command);
    assert.ok(c.title && c.title.length > 2, c.command);
    assert.match(c.icon ?? '', /^\$\([a-z-~]+\)$/, `${c.command} needs a codicon`);
  }
});

test('menus only name contributed commands (or built-ins) and every command has a palette entry', () => {
  const ids = new Set(declared.map((c) => c.command));
  const menus: Record<string, { command: string; when?: string }[]> = contributes.menus;
  for (const [menu, items] of Object.entries(menus)) for (const item of items) assert.ok(ids.has(item.command), `${menu}: ${item.command} is not contributed`);
  const palette = new Set(menus.commandPalette.map((m) => m.command));
  for (const id of ids) assert.ok(palette.has(id), `${id} has no commandPalette when clause`);
  for (const m of menus['view/item/context']) assert.match(m.when ?? '', /view == seqlab\.experiments/);
});

test('view container, view, welcome and jsonValidation are wired', () => {
  const container = contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === VIEW_CONTAINER);
  assert.ok(container);
  const svg = fs.readFileSync(path.join(root, container.icon), 'utf8');
  assert.match(svg, /viewBox="0 0 24 24"/);
  assert.match(svg, /currentColor/);
  assert.ok(contributes.views[VIEW_CONTAINER].some((v: { id: string }) => v.id === VIEWS.experiments));
  assert.ok(contributes.viewsWelcome.some((w: { view: string; contents: string }) => w.view === VIEWS.experiments && w.contents.includes('command:seqlab.newExperiment')));
  const jv = contributes.jsonValidation.find((j: { fileMatch: string }) => j.fileMatch === '*.seqlab.json');
  assert.equal(jv.url, './schemas/seqlab.schema.json');
  assert.ok(fs.existsSync(path.join(root, jv.url)));
  assert.equal(contributes.configuration.properties[SETTINGS.runsDirectory].default, '${workspaceFolder}/.seqlab/runs');
});

test('the extension bundle holds no tensor code (wasm backend, data loaders, tfjs)', { skip: !fs.existsSync(path.join(root, 'dist/extension.js.map')) && 'not built' }, () => {
  const map = JSON.parse(fs.readFileSync(path.join(root, 'dist/extension.js.map'), 'utf8')) as { sources: string[] };
  const bad = map.sources.filter((s) => /src\/trainer\/|tfjs|kernels\//.test(s));
  assert.deepEqual(bad, []);
});
