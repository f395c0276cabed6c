// The dashboard: the run header, the error bar and the tabs, mounted once; what the store's changes mean
// for each of them. Controls follow a change at once; charts are redrawn at most once per animation
// frame, and only on the tab shown (the others when they are shown).
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import type { WebviewToHost } from '../src/shared/webviewProtocol';
import { type Effects, TAB_KEYS, type TabKey } from './state/effects';
import type { DashboardStore } from './state/store';
import { ExploreTab } from './tabs/exploreTab';
import { GradientsTab } from './tabs/gradientsTab';
import { HiddenStatesTab } from './tabs/hiddenStatesTab';
import { LossTab } from './tabs/lossTab';
import { OutputTab } from './tabs/outputTab';
import { Seq2seqTab } from './tabs/seq2seqTab';
import type { TabContext, TabView } from './tabs/tabView';
import { h } from './views/dom';
import { RunHeader } from './views/runHeader';

/** Test and benchmark hooks on `window.seqlabDashboard` (no effect on users). */
export interface DashboardHooks {
  lossChart: LossTab['lossChart'];
  setLossRange(lo: number, hi: number): number;
  redrawHeatmap(): number;
  selectTab(i: number): void;
  explore: ExploreTab['charts'];
}

export class Dashboard {
  private readonly header: RunHeader;
  private readonly errorBar = h('div', { id: 'error-bar', class: 'error-bar', role: 'alert', hidden: true });
  private readonly tabsEl = h('vscode-tabs', { id: 'tabs', panel: true });
  private readonly loss: LossTab;
  private readonly hidden: HiddenStatesTab;
  private readonly explore: ExploreTab;
  private readonly tabs: Record<TabKey, TabView>;
  private readonly headers = new Map<TabKey, HTMLElement>();
  private readonly dirty = new Set<TabKey>();
  private frame = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly store: DashboardStore,
    post: (msg: WebviewToHost) => void,
  ) {
    const ctx: TabContext = { store, post, apply: (e) => this.apply(e) };
    this.header = new RunHeader(store, post);
    this.loss = new LossTab(ctx);
    this.hidden = new HiddenStatesTab(ctx);
    this.explore = new ExploreTab(ctx);
    this.tabs = { loss: this.loss, hidden: this.hidden, gradients: new GradientsTab(ctx), output: new OutputTab(ctx), explore: this.explore, seq2seq: new Seq2seqTab(ctx) };
    const panels = TAB_KEYS.map((key) => {
      const tab = this.tabs[key];
      const header = h('vscode-tab-header', { slot: 'header', class: tab.className, 'data-tab': tab.className, hidden: tab.available?.() === false }, tab.label);
      this.headers.set(key, header);
      this.tabsEl.append(header);
      const panel = h('vscode-tab-panel', { class: `${tab.className}-panel` });
      this.tabsEl.append(panel);
      return panel;
    });
    root.append(this.header.el, this.errorBar, this.tabsEl);
    this.tabsEl.selectedIndex = store.ui.tab;
    this.tabsEl.addEventListener('vsc-tabs-select', (e) => this.showTab(e.detail.selectedIndex));
    TAB_KEYS.forEach((key, i) => this.tabs[key].mount(panels[i]));
  }

  /** Bring the views that a change of the store left behind up to date (see Effects). */
  apply(effects: Effects): void {
    this.root.dataset.state = this.store.ready ? 'ready' : 'loading';
    const error = this.store.error;
    if (error !== undefined && this.errorBar.textContent !== error) this.errorBar.textContent = error;
    this.errorBar.hidden = error === undefined;
    if (effects.header === 'rows') this.header.render();
    else if (effects.header) this.header.updateLive(effects.header.liveRunId);
    for (const key of effects.controls ?? []) this.tabs[key].renderControls();
    if (effects.header === 'rows') for (const key of TAB_KEYS) this.headers.get(key)?.toggleAttribute('hidden', this.tabs[key].available?.() === false);
    for (const key of effects.redraw ?? []) this.dirty.add(key);
    if (this.dirty.size > 0) this.schedule();
  }

  /** Everything again: the theme changed (chart colours are fixed when a chart is built). */
  refreshAll(): void {
    this.apply({ header: 'rows', controls: ['loss'], redraw: TAB_KEYS });
  }

  hooks(): DashboardHooks {
    return {
      lossChart: this.loss.lossChart,
      setLossRange: (lo, hi) => {
        this.loss.lossChart.setXRange([lo, hi]);
        return this.loss.lossChart.flush();
      },
      redrawHeatmap: () => {
        this.hidden.update();
        return this.hidden.lastDrawMs;
      },
      selectTab: (i) => {
        this.tabsEl.selectedIndex = i;
        this.showTab(i);
      },
      explore: this.explore.charts,
    };
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    for (const key of TAB_KEYS) this.tabs[key].dispose();
    this.root.replaceChildren();
  }

  private showTab(index: number): void {
    this.store.setUi({ tab: index });
    this.apply({ redraw: TAB_KEYS });
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const shown = TAB_KEYS[this.store.ui.tab];
      if (shown && this.dirty.delete(shown)) this.tabs[shown].update();
    });
  }
}
