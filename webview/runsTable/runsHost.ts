// The runs table webview's side of its postMessage boundary (runsTableProtocol.ts), and the UI state VS Code
// keeps for the panel across hide/re-show and reloads. acquireVsCodeApi may be called once per page.
import type { WebviewToRunsTable } from '../../src/shared/runsTableProtocol';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export function post(msg: WebviewToRunsTable): void {
  api.postMessage(msg);
}

export const loadState = (): unknown => api.getState();
export const saveState = (state: unknown): void => api.setState(state);
