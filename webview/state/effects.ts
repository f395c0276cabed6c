// What a change of the store means for the views: the dashboard's tabs, and which views are out of date.

export const TAB_KEYS = ['loss', 'hidden', 'gradients', 'output', 'explore', 'seq2seq'] as const;
/** The dashboard's tabs, in their order on screen (UiState.tab is an index into this). */
export type TabKey = (typeof TAB_KEYS)[number];

/** Which views no longer show the store. */
export interface Effects {
  /** The run header: every row again, or one running run's facts in place (its Stop button stays put). */
  header?: 'rows' | { liveRunId: string };
  /** Tabs whose controls (run pickers, legend, step slider, generated text) follow the store at once, shown or not. */
  controls?: readonly TabKey[];
  /** Tabs whose charts are out of date: redrawn in the next frame while shown, else when shown. */
  redraw?: readonly TabKey[];
}
