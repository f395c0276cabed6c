// The one handle on VS Code a webview page gets: acquireVsCodeApi may be called once per page, so each
// page's host module (host.ts, runsTable/runsHost.ts) takes it from here and types its own messages.

interface VsCodeApi {
  postMessage(msg: unknown): void;
  /** The UI state VS Code keeps for the panel across hide/re-show and reloads. */
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export const vscodeApi: VsCodeApi = acquireVsCodeApi();
