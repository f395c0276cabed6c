// The webview's side of the postMessage boundary, and the little DOM helpers every view uses.
import type { WebviewToHost } from '../src/shared/webviewProtocol';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export function post(msg: WebviewToHost): void {
  api.postMessage(msg);
}

/** UI state kept across hide/re-show and window reloads (small; the data itself comes from the host). */
export interface UiState {
  runIds: string[];
  tab: number;
  smoothing: number;
  logY: boolean;
  xAxis: 'step' | 'epoch' | 'time';
  layer: number;
  state: string;
  sort: 'none' | 'variance' | 'activation';
  sortT: number;
}

const defaults: UiState = { runIds: [], tab: 0, smoothing: 0.6, logY: false, xAxis: 'step', layer: 0, state: 'h', sort: 'none', sortT: 0 };
export const ui: UiState = { ...defaults, ...((api.getState() as Partial<UiState> | undefined) ?? {}) };

export function saveUi(patch: Partial<UiState> = {}): void {
  Object.assign(ui, patch);
  api.setState(ui);
}

type Attrs = Record<string, string | number | boolean | undefined>;

/** Create an element: attributes (never `style`: the CSP blocks style attributes), then children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Array<Node | string>): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: Array<Node | string>): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: Array<Node | string>): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) el.append(c);
  return el;
}

export function download(format: 'csv' | 'png' | 'svg', fileName: string, data: string): void {
  post({ type: 'export', format, fileName, data });
}
