// The dashboard's one store: every piece of state that changes while the panel lives (the runs and their
// records, the user's choices, the theme, the generation in flight), and what follows from it (a run's
// colour, name and data). No DOM: views read it and change it through its methods; the message handling
// (messages.ts) is the host's only way in. The UI choices are persisted through `persist` on every change.
import type { MetricColumns } from '../../src/shared/metricColumns';
import { runTitle } from '../../src/shared/runNames';
import type { PendingRunView, RunView } from '../../src/shared/webviewProtocol';
import { ExplorerSession } from '../model/explorerSession';
import { TranslationTry } from '../model/translationTry';
import { runColor } from '../model/palette';
import { RunData } from '../model/runData';
import type { Theme } from '../model/theme';
import type { UiState } from './uiState';

/** The dashboard's own generation request: nothing asked, waiting for the host, or its text. */
export type Generation = { kind: 'idle' } | { kind: 'generating' } | { kind: 'done'; prime: string; text: string };

export class DashboardStore {
  private _panelKind: 'run' | 'comparison' = 'run';
  private _runs: RunView[] = [];
  /** Runs of a comparison that wait for their trainer; each turns into a RunView of the same colour. */
  private _pending: PendingRunView[] = [];
  private _ready = false;
  private readonly data = new Map<string, RunData>();
  /** Runs switched off in the loss legend (loss and gradient charts). */
  private readonly hiddenRuns = new Set<string>();
  /** Runs whose validation curve is switched off in the loss legend. */
  private readonly hiddenValidation = new Set<string>();
  private _hiddenStatesRunId = '';
  private _gradientsRunId: string | undefined;
  private _pinnedStep: number | undefined;
  private _selectedUnit: number | undefined;
  private _generation: Generation = { kind: 'idle' };
  private _error: string | undefined;
  /** The Explore tab's requests, answers and choices. */
  readonly explorer = new ExplorerSession();
  /** The Seq2seq tab's "try it" box: its request and answer. */
  readonly translation = new TranslationTry();

  constructor(
    private _ui: UiState,
    private _theme: Theme,
    private readonly persist: (ui: UiState) => void = () => {},
  ) {}

  get panelKind(): 'run' | 'comparison' { return this._panelKind; }
  get runs(): readonly RunView[] { return this._runs; }
  get pending(): readonly PendingRunView[] { return this._pending; }
  /** True once the host's `init` arrived. */
  get ready(): boolean { return this._ready; }
  get ui(): Readonly<UiState> { return this._ui; }
  get theme(): Theme { return this._theme; }
  /** Snapshot step the user chose on the Hidden states tab; undefined follows the latest. */
  get pinnedStep(): number | undefined { return this._pinnedStep; }
  /** Unit whose activation colours the probe text. */
  get selectedUnit(): number | undefined { return this._selectedUnit; }
  get generation(): Generation { return this._generation; }
  /** The last error the host reported, shown until the panel closes. */
  get error(): string | undefined { return this._error; }

  /** The chosen layer's place among `count` layers (one choice for the Hidden states and Gradients tabs; the first when it is past them). */
  layerIndex(count: number): number {
    const i = this._ui.layer;
    return Number.isInteger(i) && i >= 0 && i < count ? i : 0;
  }

  setUi(patch: Partial<UiState>): void {
    this._ui = { ...this._ui, ...patch };
    this.persist(this._ui);
  }

  setTheme(theme: Theme): void { this._theme = theme; }

  runById(id: string): RunView | undefined { return this._runs.find((r) => r.id === id); }

  /** A run's records, created empty on first use (records may arrive before the run is listed). */
  dataOf(id: string): RunData {
    let d = this.data.get(id);
    if (!d) this.data.set(id, (d = new RunData()));
    return d;
  }

  colorOf(r: { colorIndex: number }): string { return runColor(r.colorIndex, this._theme.charts); }

  /** A comparison's runs share their config's name; the cell tells them apart. */
  /** In a comparison, what sets each run apart ("tiny · GRU", "sweep · LSTM · hidden 12"), as the tree and toasts name it. */
  runName(r: RunView): string { return this._panelKind === 'comparison' ? runTitle(r.info) : r.info.name; }

  isShown(id: string): boolean { return !this.hiddenRuns.has(id); }

  toggleShown(id: string): void {
    toggle(this.hiddenRuns, id);
  }

  /** Whether the run's validation curve is drawn (its run shown, and its own legend entry on). */
  isValidationShown(id: string): boolean { return this.isShown(id) && !this.hiddenValidation.has(id); }

  toggleValidation(id: string): void {
    toggle(this.hiddenValidation, id);
  }

  /** Run of the Hidden states and Output tabs: the chosen one, else the first. */
  hiddenStatesRun(): RunView | undefined { return this.runById(this._hiddenStatesRunId) ?? this._runs[0]; }

  /** Run of the gradient heatmap and norms table: chosen on the Gradients tab, else the Hidden states tab's. */
  gradientsRun(): RunView | undefined { return (this._gradientsRunId !== undefined ? this.runById(this._gradientsRunId) : undefined) ?? this.hiddenStatesRun(); }

  /** Whether the Gradients tab follows the Hidden states tab's run (nothing chosen there). */
  get gradientsFollowHiddenStates(): boolean { return this._gradientsRunId === undefined; }

  selectHiddenStatesRun(id: string): void {
    this._hiddenStatesRunId = id;
    this._pinnedStep = undefined;
    this._selectedUnit = undefined;
  }

  selectGradientsRun(id: string): void { this._gradientsRunId = id; }

  pinStep(step: number | undefined): void { this._pinnedStep = step; }

  selectUnit(unit: number | undefined): void { this._selectedUnit = unit; }

  startGeneration(): void { this._generation = { kind: 'generating' }; }

  // ---- what the host's messages do (messages.ts) ----

  /** A new panel (or a reloaded one): its runs, no records yet. */
  init(panelKind: 'run' | 'comparison', runs: RunView[], pending: PendingRunView[]): void {
    this._panelKind = panelKind;
    this._runs = runs;
    this._pending = pending;
    this._ready = true;
    this.data.clear();
    this.runsJoined();
    if (!this._runs.some((r) => r.id === this._gradientsRunId)) this._gradientsRunId = undefined;
  }

  /**
   * The host's run list now: known runs take the new views, runs that started join in their colour slot, a
   * run the host no longer lists (deleted meanwhile) stays on screen. Returns whether any run joined.
   */
  updateRuns(runs: RunView[], pending: PendingRunView[]): boolean {
    const known = new Set(this._runs.map((r) => r.id));
    const joined = runs.filter((n) => !known.has(n.id));
    this._runs = [...this._runs.map((r) => runs.find((n) => n.id === r.id) ?? r), ...joined].sort((a, b) => a.colorIndex - b.colorIndex);
    this._pending = pending;
    if (joined.length > 0) this.runsJoined();
    return joined.length > 0;
  }

  private runsJoined(): void {
    this.setUi({ runIds: this._runs.map((r) => r.id) });
    if (!this._runs.some((r) => r.id === this._hiddenStatesRunId)) this._hiddenStatesRunId = this._runs[0]?.id ?? '';
  }

  /**
   * New records of a run, in columns. A running run's status step and elapsed time follow its step records
   * (the host's RunView only changes when the run's status on disk does).
   */
  addMetrics(runId: string, columns: MetricColumns): void {
    this.dataOf(runId).addColumns(columns);
    const r = this.runById(runId);
    if (!r || r.status.kind !== 'running') return;
    const { step, time } = columns.steps;
    let newest = -1;
    for (let i = 0; i < step.length; i++) if (step[i] > (newest < 0 ? r.status.step : step[newest])) newest = i;
    if (newest >= 0) {
      r.status = { ...r.status, step: step[newest] };
      r.seconds = Math.max(r.seconds, time[newest]);
    }
  }

  /** A snapshot's step joins its run's list of snapshot steps (the step slider's stops). */
  addSnapshotStep(runId: string, step: number): void {
    const r = this.runById(runId);
    if (r && !r.snapshotSteps.includes(step)) r.snapshotSteps = [...r.snapshotSteps, step].sort((a, b) => a - b);
  }

  finishGeneration(prime: string, text: string): void { this._generation = { kind: 'done', prime, text }; }

  /** An error from the host; a generation still waiting failed with it. */
  fail(message: string): void {
    this._error = message;
    if (this._generation.kind === 'generating') this._generation = { kind: 'idle' };
  }
}

function toggle(set: Set<string>, id: string): void {
  if (set.has(id)) set.delete(id);
  else set.add(id);
}
