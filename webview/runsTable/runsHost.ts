// The runs table webview's side of its postMessage boundary (runsTableProtocol.ts), and the UI state VS Code
// keeps for the panel across hide/re-show and reloads. The page's VS Code handle is vscodeApi.ts's.
import type { WebviewToRunsTable } from '../../src/shared/runsTableProtocol';
import { vscodeApi as api } from '../vscodeApi';

export function post(msg: WebviewToRunsTable): void {
  api.postMessage(msg);
}

export const loadState = (): unknown => api.getState();
export const saveState = (state: unknown): void => api.setState(state);
