// The "SeqLab: Runs" webview: every run of the workspace in a table (the Table tab) and a sweep's parallel
// coordinates (the Sweep tab). The host sends rows; what to show for them is src/shared/runsTable.ts's
// tableView; the user's choices live in one RunsUi, kept in VS Code's webview state. Stable hooks for tests:
//   #seqlab-runs[data-state=loading|ready]   root; `ready` once rows arrived
//   Table:  #runs-filter (input), #group-by (vscode-single-select), #runs-count, #selection-count,
//           #open-dashboard, #compare-configs, #clear-selection, #filter-chips .filter-chip[data-key],
//           #runs-table th[data-key][aria-sort] (button.sort, button.col-filter), #value-filter input[data-value],
//           tr.run-row[data-run-id][aria-selected] (input.select-run, td[data-key]),
//           tr.group-row[data-group] (.group-toggle[aria-expanded], .group-count, .group-best, input.select-group),
//           #config-diff tr.diff-row[data-path] (.diff-a, .diff-b), #close-diff
//   Sweep:  vscode-tab-header.tab-sweep, #sweep-select, #sweep-metric, canvas#parcoords, #parcoords-tooltip,
//           #sweep-summary, #select-brushed, #clear-brushes, #sweep-empty
//   window.seqlabRunsTable: test hooks (the parallel coordinates' layout)
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '../../media/runsTable.css';
import { assertNever } from '../../src/shared/protocol';
import { type RunRow, tableView } from '../../src/shared/runsTable';
import type { HostToRunsTable } from '../../src/shared/runsTableProtocol';
import { watchTheme } from '../theme';
import { h } from '../views/dom';
import { ConfigDiffView } from './configDiffView';
import { loadState, post, saveState } from './runsHost';
import { restoreUi, type RunsUi, TABS } from './runsUi';
import { type ParcoordsLayout, SweepTab } from './sweepView';
import { TableTab } from './tableView';

declare global {
  interface Window {
    seqlabRunsTable?: { parcoords(): ParcoordsLayout };
  }
}

class RunsTableApp {
  private rows: RunRow[] = [];
  private ui: RunsUi = restoreUi(loadState());
  private readonly errorBar = h('div', { id: 'error-bar', class: 'error-bar', role: 'alert', hidden: true });
  private readonly diff = new ConfigDiffView();
  private readonly tabsEl = h('vscode-tabs', { id: 'tabs', panel: true });
  private readonly table = new TableTab({
    change: (patch) => this.change(patch),
    openDashboard: (runIds) => post({ type: 'openDashboard', runIds }),
    compareConfigs: (runIds) => post({ type: 'compareConfigs', runIds }),
  });
  private readonly sweep = new SweepTab({ change: (patch) => this.change(patch) });

  constructor(private readonly root: HTMLElement) {
    const panels = [this.table.el, this.sweep.el].map((content) => h('vscode-tab-panel', {}, content));
    this.tabsEl.append(
      h('vscode-tab-header', { slot: 'header', class: 'tab-table' }, 'Table'),
      panels[0],
      h('vscode-tab-header', { slot: 'header', class: 'tab-sweep' }, 'Sweep'),
      panels[1],
    );
    this.tabsEl.selectedIndex = TABS.indexOf(this.ui.tab);
    this.tabsEl.addEventListener('vsc-tabs-select', (e) => this.change({ tab: TABS[e.detail.selectedIndex] ?? 'table' }));
    root.append(this.errorBar, this.diff.el, this.tabsEl);
  }

  apply(msg: HostToRunsTable): void {
    switch (msg.type) {
      case 'rows':
        this.rows = msg.rows;
        this.root.dataset.state = 'ready';
        // runs that are gone leave the selection
        this.ui.selected = this.ui.selected.filter((id) => msg.rows.some((r) => r.id === id));
        this.render();
        return;
      case 'focusConfig':
        this.change({ query: { ...this.ui.query, valueFilters: { ...this.ui.query.valueFilters, config: [msg.config] } } });
        return;
      case 'configDiff':
        this.diff.show(msg);
        return;
      case 'error':
        this.errorBar.textContent = msg.message;
        this.errorBar.hidden = false;
        return;
      default:
        assertNever(msg);
    }
  }

  private change(patch: Partial<RunsUi>): void {
    this.ui = { ...this.ui, ...patch };
    saveState(this.ui);
    this.render();
  }

  render(): void {
    const view = tableView(this.rows, this.ui.query);
    this.table.render(view, this.rows, this.ui);
    // the sweep tab draws on a canvas sized to its panel: only while it is shown, once the tab has laid out
    if (this.ui.tab !== 'sweep') return;
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.sweep.render(view.rows, this.ui));
  }

  private frame = 0;

  hooks(): NonNullable<Window['seqlabRunsTable']> {
    return { parcoords: () => this.sweep.layout() };
  }
}

const root = document.getElementById('seqlab-runs') ?? document.body.appendChild(h('div', { id: 'seqlab-runs' }));
const app = new RunsTableApp(root);
watchTheme(() => app.render());
window.addEventListener('resize', () => app.render());
// the host posts only HostToRunsTable (runsTablePanel.ts); VS Code delivers nothing else here
window.addEventListener('message', (ev: MessageEvent<HostToRunsTable>) => app.apply(ev.data));
window.addEventListener('error', (e) => post({ type: 'log', level: 'error', message: String(e.message) }));
window.seqlabRunsTable = app.hooks();
post({ type: 'ready' });
