// What the dashboard remembers across hide/re-show and window reloads (VS Code's webview state): the
// user's choices, small; the data itself comes from the host again.
import type { RangePercentile } from '../model/heatmapScales';

export interface UiState {
  runIds: string[];
  tab: number;
  smoothing: number;
  logY: boolean;
  xAxis: 'step' | 'epoch' | 'time';
  layer: number;
  state: string;
  sort: 'none' | 'variance' | 'activation';
  /** The timestep of "sort by activation at t", as entered (checked against the probe when drawn). */
  sortT: number;
  /** Range of the h and c heatmaps: this percentile of |v| (100: the largest). */
  rangePercentile: RangePercentile;
  /** Colour range of the gradient heatmap in a comparison: each run's own, or one for all runs. */
  gradScale: 'run' | 'shared';
}

export const DEFAULT_UI: Readonly<UiState> = { runIds: [], tab: 0, smoothing: 0.6, logY: false, xAxis: 'step', layer: 0, state: 'h', sort: 'none', sortT: 0, rangePercentile: 99, gradScale: 'run' };

/** The saved state over the defaults (a state saved by an older build may lack fields; none yet is undefined). */
export function restoreUi(saved: unknown): UiState {
  return { ...DEFAULT_UI, ...(typeof saved === 'object' && saved !== null ? (saved as Partial<UiState>) : {}) };
}
