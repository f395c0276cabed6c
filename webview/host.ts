// The webview's side of the postMessage boundary: messages to the extension host, and the UI state VS Code
// keeps for the panel across hide/re-show and reloads. The page's VS Code handle is vscodeApi.ts's.
import type { WebviewToHost } from '../src/shared/webviewProtocol';
import { restoreUi, type UiState } from './state/uiState';
import { vscodeApi as api } from './vscodeApi';

export function post(msg: WebviewToHost): void {
  api.postMessage(msg);
}

export function loadUi(): UiState {
  return restoreUi(api.getState());
}

export function saveUi(ui: UiState): void {
  api.setState(ui);
}
