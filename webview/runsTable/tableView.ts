// The table tab: a toolbar (text filter, grouping, the active value filters, what to do with the selected
// runs) over a table whose header sorts (click) and filters by value (▾), with collapsible groups that show
// their count and best result. It draws a TableView (src/shared/runsTable.ts) and reports what the user
// changes; it keeps no state of its own besides the open value-filter menu.
import { columnOf, distinctValues, formatCell, rowValue, type Column, type RunRow, type TableView } from '../../src/shared/runsTable';
import { MAX_DASHBOARD_RUNS } from '../../src/shared/runsTableProtocol';
import { h, select } from '../views/dom';
import type { RunsUi } from './runsUi';

export interface TableActions {
  /** The UI state changed: store it and draw again. */
  change(patch: Partial<RunsUi>): void;
  openDashboard(runIds: string[]): void;
  compareConfigs(runIds: [string, string]): void;
}

export class TableTab {
  readonly el = h('div', { class: 'table-tab' });
  private readonly filter = h('input', { id: 'runs-filter', type: 'search', class: 'filter', placeholder: 'Filter: words in run names, configs, values (model.cell=lstm)', 'aria-label': 'Filter runs' });
  private readonly toolbar = h('div', { class: 'toolbar' });
  private readonly chips = h('div', { id: 'filter-chips', class: 'chips' });
  private readonly table = h('table', { id: 'runs-table', class: 'runs-table' });
  private readonly menu = h('div', { id: 'value-filter', class: 'value-filter', role: 'dialog', hidden: true });
  private ui!: RunsUi;
  private view!: TableView;
  private allRows: readonly RunRow[] = [];

  constructor(private readonly actions: TableActions) {
    this.filter.addEventListener('input', () => this.actions.change({ query: { ...this.ui.query, text: this.filter.value } }));
    this.el.append(this.toolbar, this.chips, h('div', { class: 'table-wrap' }, this.table), this.menu);
    document.addEventListener('mousedown', (e) => {
      if (!this.menu.hidden && !this.menu.contains(e.target as Node) && !(e.target as HTMLElement).closest?.('.col-filter')) this.menu.hidden = true;
    });
  }

  render(view: TableView, allRows: readonly RunRow[], ui: RunsUi): void {
    this.view = view;
    this.allRows = allRows;
    this.ui = ui;
    if (this.filter.value !== ui.query.text) this.filter.value = ui.query.text;
    this.renderToolbar();
    this.renderChips();
    this.table.replaceChildren(this.head(), this.body());
    if (!this.menu.hidden && this.menu.dataset.key) this.openMenu(this.menu.dataset.key);
  }

  private selectedShown(): string[] {
    const shown = new Set(this.view.rows.map((r) => r.id));
    return this.ui.selected.filter((id) => shown.has(id));
  }

  private renderToolbar(): void {
    const groupOptions: Array<[string, string]> = [['', '(none)'], ...this.view.columns.filter((c) => c.key !== 'run' && c.key !== 'created').map((c): [string, string] => [c.key, c.label])];
    const group = select('group-by', 'Group by', groupOptions, this.ui.query.groupBy ?? '', (v) => this.actions.change({ query: { ...this.ui.query, groupBy: v || undefined }, collapsed: [] }));
    const selected = this.selectedShown();
    const button = (id: string, label: string, enabled: boolean, onClick: () => void, title: string) => {
      const b = h('vscode-button', { id, disabled: !enabled, title }, label);
      b.addEventListener('click', () => enabled && onClick());
      return b;
    };
    this.toolbar.replaceChildren(
      this.filter,
      group,
      h('span', { id: 'runs-count', class: 'count' }, `${this.view.rows.length} of ${this.view.total} run${this.view.total === 1 ? '' : 's'}`),
      h('span', { class: 'spacer' }),
      h('span', { id: 'selection-count', class: 'count' }, `${selected.length} selected`),
      button('open-dashboard', 'Open in Dashboard', selected.length >= 1 && selected.length <= MAX_DASHBOARD_RUNS, () => this.actions.openDashboard(selected),
        `Overlay the selected runs' losses in one dashboard (1 to ${MAX_DASHBOARD_RUNS} runs)`),
      button('compare-configs', 'Compare Configs', selected.length === 2, () => this.actions.compareConfigs([selected[0], selected[1]]), 'The settings where the two selected runs differ'),
      button('clear-selection', 'Clear Selection', selected.length > 0, () => this.actions.change({ selected: [] }), 'Select no run'),
    );
  }

  private renderChips(): void {
    const entries = Object.entries(this.ui.query.valueFilters);
    this.chips.replaceChildren(...entries.map(([key, values]) => {
      const chip = h('button', { class: 'filter-chip', 'data-key': key, title: 'Remove this filter' }, `${columnOf(key).label}: ${values.map((v) => v || '(none)').join(', ')} ✕`);
      chip.addEventListener('click', () => this.setValueFilter(key, undefined));
      return chip;
    }));
    this.chips.hidden = entries.length === 0;
  }

  private head(): HTMLElement {
    const shownIds = this.view.rows.map((r) => r.id);
    const all = h('input', { type: 'checkbox', class: 'select-all', 'aria-label': 'Select every shown run', checked: shownIds.length > 0 && shownIds.every((id) => this.ui.selected.includes(id)) });
    all.addEventListener('change', () => this.actions.change({ selected: all.checked ? [...new Set([...this.ui.selected, ...shownIds])] : this.ui.selected.filter((id) => !shownIds.includes(id)) }));
    const sort = this.ui.query.sort;
    const cells = this.view.columns.map((c) => {
      const direction = sort?.key === c.key ? sort.direction : undefined;
      const sortButton = h('button', { class: 'sort', title: `Sort by ${c.label}` }, c.label, h('span', { class: 'arrow', 'aria-hidden': 'true' }, direction === 'asc' ? ' ▲' : direction === 'desc' ? ' ▼' : ''));
      sortButton.addEventListener('click', () => {
        // first click: best first for results (lowest loss), A→Z otherwise; the next click reverses
        const first = c.better === 'higher' ? 'desc' : 'asc';
        const next = direction === undefined ? first : direction === 'asc' ? 'desc' : 'asc';
        this.actions.change({ query: { ...this.ui.query, sort: { key: c.key, direction: next } } });
      });
      const filterButton = h('button', { class: `col-filter${this.ui.query.valueFilters[c.key] ? ' active' : ''}`, title: `Filter by ${c.label}`, 'aria-label': `Filter by ${c.label}` }, '▾');
      filterButton.addEventListener('click', () => (this.menu.hidden || this.menu.dataset.key !== c.key ? this.openMenu(c.key) : (this.menu.hidden = true)));
      return h('th', { 'data-key': c.key, class: `col-${c.kind}${c.numeric ? ' num' : ''}`, 'aria-sort': direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : 'none', title: c.kind === 'setting' ? c.key.slice(8) : c.label }, sortButton, filterButton);
    });
    return h('thead', {}, h('tr', {}, h('th', { class: 'select' }, all), ...cells));
  }

  private body(): HTMLElement {
    const tbody = h('tbody');
    if (this.view.rows.length === 0) {
      tbody.append(h('tr', {}, h('td', { class: 'empty', colspan: this.view.columns.length + 1 }, this.view.total === 0 ? 'No runs in this workspace yet. Train a config (▶ Train) and its runs appear here.' : 'No run matches the filters.')));
      return tbody;
    }
    if (!this.view.groups) {
      for (const r of this.view.rows) tbody.append(this.row(r));
      return tbody;
    }
    const key = this.ui.query.groupBy!;
    for (const g of this.view.groups) {
      const collapsed = this.ui.collapsed.includes(g.value);
      tbody.append(this.groupRow(key, g.value, g.rows, g.best, collapsed));
      if (!collapsed) for (const r of g.rows) tbody.append(this.row(r, true));
    }
    return tbody;
  }

  private groupRow(key: string, value: string, rows: RunRow[], best: { row: RunRow; value: number } | undefined, collapsed: boolean): HTMLElement {
    const ids = rows.map((r) => r.id);
    const toggle = h('button', { class: 'group-toggle', 'aria-expanded': String(!collapsed), title: collapsed ? 'Expand' : 'Collapse' }, collapsed ? '▸' : '▾');
    toggle.addEventListener('click', () => this.actions.change({ collapsed: collapsed ? this.ui.collapsed.filter((v) => v !== value) : [...this.ui.collapsed, value] }));
    const check = h('input', { type: 'checkbox', class: 'select-group', 'aria-label': `Select the runs of ${value || '(none)'}`, checked: ids.every((id) => this.ui.selected.includes(id)) });
    check.addEventListener('change', () => this.actions.change({ selected: check.checked ? [...new Set([...this.ui.selected, ...ids])] : this.ui.selected.filter((id) => !ids.includes(id)) }));
    const metric = this.view.metric;
    const column = metric ? columnOf(metric) : undefined;
    const bestText = best && column ? `${column.better === 'higher' ? 'highest' : 'lowest'} ${column.label} ${formatCell(column.key, best.value)}: ${best.row.label}` : '';
    return h('tr', { class: 'group-row', 'data-group': value },
      h('td', { class: 'select' }, check),
      h('td', { colspan: this.view.columns.length },
        toggle, ' ',
        h('span', { class: 'group-name' }, `${columnOf(key).label} = ${value || '(none)'}`), ' ',
        h('span', { class: 'group-count' }, `${rows.length} run${rows.length === 1 ? '' : 's'}`), ' ',
        h('span', { class: 'group-best' }, bestText)));
  }

  private row(r: RunRow, grouped = false): HTMLElement {
    const selected = this.ui.selected.includes(r.id);
    const check = h('input', { type: 'checkbox', class: 'select-run', 'aria-label': `Select ${r.label}`, checked: selected });
    const toggle = () => this.actions.change({ selected: selected ? this.ui.selected.filter((id) => id !== r.id) : [...this.ui.selected, r.id] });
    check.addEventListener('change', toggle);
    const tr = h('tr', { class: `run-row${grouped ? ' grouped' : ''}${selected ? ' selected' : ''}`, 'data-run-id': r.id, 'aria-selected': String(selected) }, h('td', { class: 'select' }, check), ...this.view.columns.map((c) => this.cell(r, c)));
    tr.addEventListener('click', (e) => {
      if ((e.target as HTMLElement).closest('input')) return;
      toggle();
    });
    tr.addEventListener('dblclick', () => this.actions.openDashboard([r.id]));
    return tr;
  }

  private cell(r: RunRow, c: Column): HTMLElement {
    const text = formatCell(c.key, rowValue(r, c.key));
    const title = c.key === 'run' ? `${r.id}\n${r.config}` : c.key === 'status' ? `${r.status} · step ${r.step}/${r.totalSteps}` : text;
    const cls = `${c.numeric ? 'num' : ''}${c.key === 'status' ? ` status-${r.status}` : ''}${c.key === 'run' ? ' run-label' : ''}`.trim();
    return h('td', { 'data-key': c.key, class: cls || undefined, title }, text || '–');
  }

  private setValueFilter(key: string, values: string[] | undefined): void {
    const valueFilters = { ...this.ui.query.valueFilters };
    if (values) valueFilters[key] = values;
    else delete valueFilters[key];
    this.actions.change({ query: { ...this.ui.query, valueFilters } });
  }

  /** The value filter of a column: its values among the runs the other filters let through, each with a box. */
  private openMenu(key: string): void {
    const others = { ...this.ui.query, valueFilters: { ...this.ui.query.valueFilters } };
    delete others.valueFilters[key];
    const pool = this.allRows.filter((r) => Object.entries(others.valueFilters).every(([k, allowed]) => allowed.includes(formatCell(k, rowValue(r, k)))));
    const choices = distinctValues(pool, key);
    const current = this.ui.query.valueFilters[key];
    const boxes = choices.map(({ value, count }) => {
      const box = h('input', { type: 'checkbox', 'data-value': value, checked: !current || current.includes(value) });
      box.addEventListener('change', () => {
        const checked = [...this.menu.querySelectorAll<HTMLInputElement>('input[data-value]')].filter((b) => b.checked).map((b) => b.dataset.value ?? '');
        this.setValueFilter(key, checked.length === choices.length ? undefined : checked);
      });
      return h('label', { class: 'choice' }, box, h('span', { class: 'choice-value' }, value || '(none)'), h('span', { class: 'choice-count' }, String(count)));
    });
    const clear = h('button', { class: 'link' }, 'Show all');
    clear.addEventListener('click', () => this.setValueFilter(key, undefined));
    this.menu.replaceChildren(h('div', { class: 'menu-title' }, `Show runs whose ${columnOf(key).label} is`), ...boxes, clear);
    this.menu.dataset.key = key;
    this.menu.hidden = false;
    const th = this.table.querySelector<HTMLElement>(`th[data-key="${CSS.escape(key)}"]`);
    if (th) {
      const box = th.getBoundingClientRect();
      const host = this.el.getBoundingClientRect();
      this.menu.style.left = `${Math.max(0, box.left - host.left)}px`;
      this.menu.style.top = `${box.bottom - host.top}px`;
    }
  }
}
