// What the dashboard remembers across hide/re-show and window reloads (VS Code's webview state): the
// user's choices, small; the data itself comes from the host again.

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

export const DEFAULT_UI: Readonly<UiState> = { runIds: [], tab: 0, smoothing: 0.6, logY: false, xAxis: 'step', layer: 0, state: 'h', sort: 'none', sortT: 0 };

/** The saved state over the defaults (a state saved by an older build may lack fields; none yet is undefined). */
export function restoreUi(saved: unknown): UiState {
  return { ...DEFAULT_UI, ...(typeof saved === 'object' && saved !== null ? (saved as Partial<UiState>) : {}) };
}
