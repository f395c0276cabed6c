// The webview's side of the postMessage boundary: messages to the extension host, and the UI state VS Code
// keeps for the panel across hide/re-show and reloads. acquireVsCodeApi may be called once per page.
import type { WebviewToHost } from '../src/shared/webviewProtocol';
import { restoreUi, type UiState } from './state/uiState';

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

export function loadUi(): UiState {
  return restoreUi(api.getState());
}

export function saveUi(ui: UiState): void {
  api.setState(ui);
}
