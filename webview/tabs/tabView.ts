// What every tab of the dashboard offers the dashboard, and what the dashboard offers every tab.
import type { WebviewToHost } from '../../src/shared/webviewProtocol';
import type { Effects, TabKey } from '../state/effects';
import type { DashboardStore } from '../state/store';

export interface TabContext {
  readonly store: DashboardStore;
  post(msg: WebviewToHost): void;
  /** Another view is out of date after a change this tab made to the store (a run picked, a run hidden). */
  apply(effects: Effects): void;
}

export interface TabView {
  readonly key: TabKey;
  /** Header text; the header's class is `tab-<key-name>`, its panel's `tab-<key-name>-panel` (E2E hooks). */
  readonly label: string;
  readonly className: string;
  /** Whether the tab applies to the panel's runs (its header is hidden when not); always when absent. */
  available?(): boolean;
  /** Build the tab's DOM inside its panel (already in the document, so charts can measure it). */
  mount(panel: HTMLElement): void;
  /** Controls that follow the store (run pickers, legend, slider range, generated text): cheap, at once. */
  renderControls(): void;
  /** Charts and heatmaps from the store, in the store's theme: costly, once a frame while the tab is shown. */
  update(): void;
  dispose(): void;
}
