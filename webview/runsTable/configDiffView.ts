// Compare Configs: the settings where two runs' configs differ, side by side (setting | run A | run B),
// as the host found them (configDifferences over the two config snapshots).
import type { HostToRunsTable } from '../../src/shared/runsTableProtocol';
import { h } from '../views/dom';

type ConfigDiff = Extract<HostToRunsTable, { type: 'configDiff' }>;

export class ConfigDiffView {
  readonly el = h('section', { id: 'config-diff', class: 'config-diff', 'aria-label': 'Config diff', hidden: true });

  show(diff: ConfigDiff): void {
    const close = h('vscode-button', { id: 'close-diff', secondary: true, title: 'Close the diff' }, 'Close');
    close.addEventListener('click', () => this.hide());
    const title = h('div', { class: 'diff-title' }, h('h3', {}, `Config diff: ${diff.lines.length} setting${diff.lines.length === 1 ? '' : 's'} differ`), close);
    if (diff.lines.length === 0) {
      this.el.replaceChildren(title, h('p', { class: 'empty' }, `${diff.a.label} and ${diff.b.label} were trained with the same settings.`));
    } else {
      const head = h('tr', {}, h('th', {}, 'setting'), h('th', { class: 'diff-a', title: diff.a.id }, diff.a.label), h('th', { class: 'diff-b', title: diff.b.id }, diff.b.label));
      const rows = diff.lines.map((l) => h('tr', { class: 'diff-row', 'data-path': l.path }, h('td', { class: 'diff-path' }, l.path), h('td', { class: 'diff-a' }, l.a), h('td', { class: 'diff-b' }, l.b)));
      this.el.replaceChildren(title, h('table', { class: 'diff' }, h('thead', {}, head), h('tbody', {}, ...rows)));
    }
    this.el.dataset.a = diff.a.id;
    this.el.dataset.b = diff.b.id;
    this.el.hidden = false;
  }

  hide(): void {
    this.el.hidden = true;
  }
}
