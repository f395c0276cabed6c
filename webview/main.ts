// SeqLab dashboard webview. Stable hooks for end-to-end tests:
//   #seqlab-dashboard[data-state=loading|ready]   root; `ready` once `init` arrived
//   #run-header .run-row[data-run-id]              one row per run; .action-stop .action-open-config .action-reveal
//              .fact-backend .fact-steps-per-second .fact-best-val .fact-time (each with a .fact-value)
//   #run-header .run-row.pending[data-job-key]     a comparison's run that is queued or starting; .status, .action-stop
//   #tabs  vscode-tab-header.tab-loss .tab-hidden .tab-gradients .tab-output (vscode-tabs rewrites ids;
//          panels: vscode-tab-panel.tab-loss-panel …)
//   Loss:      #loss-chart (uPlot canvas inside), #loss-legend .legend-entry[data-run-id][aria-pressed],
//              #smoothing (input range 0..0.999), #log-y, #x-axis, #export-csv, #export-png, #export-svg
//   Hidden:    #hs-run #hs-layer #hs-state #hs-sort #hs-sort-t #snapshot-step (input range) #snapshot-label
//              #heatmap-canvas #heatmap-tooltip #unit-text
//   Gradients: #grad-time-chart #grad-run (comparisons only: the run of the heatmap and table) #grad-heatmap
//              #grad-norm-chart #norms-table
//   Output:    #samples .sample, #generate-prime #generate-temperature #generate-length #generate-button
//              #generated-text, #forecast-chart (only when the snapshot has forecast.pred/forecast.actual)
//   window.seqlabDashboard: test/bench hooks (loss chart range, heatmap draw time)
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import 'uplot/dist/uPlot.min.css';
import '../media/dashboard.css';
import type { DiagnosticsSnapshot, MetricRecord } from '../src/shared/metrics';
import type { HostToWebview, PendingRunView, RunView } from '../src/shared/webviewProtocol';
import { formatDuration, formatNumber } from '../src/shared/format';
import { h, post, saveUi, ui } from './host';
import { cssRgb, diverging, SEQUENTIAL_LUT, DIVERGING_LUT } from './model/colorScales';
import { tooltipPlacement } from './model/tooltipPlacement';
import { gateSlice, logNormalize, orderByActivation, orderByVariance, unitsByTimeRgba } from './model/heatmap';
import { runColor, withAlpha } from './model/palette';
import { fractionalEpochs, interpolateAt, lossCsv, RunData } from './model/runData';
import { emaSmooth } from './model/smoothing';
import { HeatmapView } from './heatmapView';
import { type ChartSeries, type ExportDecor, SeriesChart } from './seriesChart';
import { readTheme, type Theme, watchTheme } from './theme';

let theme: Theme = readTheme();
let runs: RunView[] = [];
/** Runs of a comparison that wait for their trainer; each turns into a RunView of the same colour. */
let pendingRuns: PendingRunView[] = [];
const data = new Map<string, RunData>();
const hiddenRuns = new Set<string>();
let panelKind: 'run' | 'comparison' = 'run';
const root = document.getElementById('seqlab-dashboard') ?? document.body.appendChild(h('div', { id: 'seqlab-dashboard' }));

const colorOf = (r: RunView) => runColor(r.colorIndex, theme.charts);
const dataOf = (id: string) => {
  let d = data.get(id);
  if (!d) data.set(id, (d = new RunData()));
  return d;
};
const runName = (r: RunView) => (panelKind === 'comparison' ? `${r.info.name} · ${r.info.cell}` : r.info.name);

// ---------- layout ----------
const header = h('section', { id: 'run-header', class: 'run-header', 'aria-label': 'Runs' });
const tabs = h('vscode-tabs', { id: 'tabs', panel: true });
const tabNames: Array<[string, string]> = [['tab-loss', 'Loss'], ['tab-hidden', 'Hidden states'], ['tab-gradients', 'Gradients through time'], ['tab-output', 'Output']];
const panels = tabNames.map(([id, label]) => {
  tabs.append(h('vscode-tab-header', { slot: 'header', class: id, 'data-tab': id }, label));
  const p = h('vscode-tab-panel', { class: `${id}-panel` });
  tabs.append(p);
  return p;
});
const errorBar = h('div', { id: 'error-bar', class: 'error-bar', role: 'alert', hidden: true });
root.append(header, errorBar, tabs);
tabs.selectedIndex = ui.tab;
tabs.addEventListener('vsc-tabs-select', (e) => {
  saveUi({ tab: e.detail.selectedIndex });
  scheduleAll();
});

function select(id: string, label: string, options: Array<[string, string]>, value: string, onChange: (v: string) => void): HTMLElement {
  const sel = h('vscode-single-select', { id, 'aria-label': label });
  for (const [v, text] of options) sel.append(h('vscode-option', { value: v, selected: v === value }, text));
  sel.addEventListener('change', () => onChange(sel.value));
  return h('label', { class: 'control' }, h('span', { class: 'control-label' }, label), sel);
}

// ---------- header ----------
function statusText(r: RunView): string {
  const s = r.status;
  switch (s.kind) {
    case 'running': return `running · step ${s.step}`;
    case 'finished': return `finished · ${s.step} steps`;
    case 'failed': return `failed: ${s.message}`;
    case 'cancelled': return `stopped at step ${s.step}`;
    case 'interrupted': return `interrupted at step ${s.step}`;
  }
}

function pendingText(p: PendingRunView): string {
  return p.state === 'starting' ? 'starting…' : `queued${p.position !== undefined ? ` · #${p.position} in queue` : ''}`;
}

function headerButton(cls: string, label: string, msg: () => void, disabled = false): HTMLElement {
  const b = h('vscode-button', { class: cls, secondary: true, disabled, title: label }, label);
  b.addEventListener('click', msg);
  return b;
}

function pendingRow(p: PendingRunView): HTMLElement {
  const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  swatch.style.setProperty('border-color', runColor(p.colorIndex, theme.charts));
  return h('div', { class: `run-row pending status-${p.state}`, 'data-job-key': p.key },
    swatch,
    h('span', { class: 'run-name' }, p.name),
    p.cell ? h('span', { class: 'badge' }, p.cell.toUpperCase()) : '',
    h('span', { class: `status status-${p.state}` }, pendingText(p)),
    h('span', { class: 'actions' }, headerButton('action-stop', p.state === 'queued' ? 'Remove from Queue' : 'Stop', () => post({ type: 'stop', runId: p.key }))),
  );
}

function renderHeader(): void {
  // in slot order: a queued run's row stays where its run will appear
  const rows: Array<[number, HTMLElement]> = [
    ...runs.map((r): [number, HTMLElement] => [r.colorIndex, runRow(r)]),
    ...pendingRuns.map((p): [number, HTMLElement] => [p.colorIndex, pendingRow(p)]),
  ];
  header.replaceChildren(...rows.sort((a, b) => a[0] - b[0]).map(([, row]) => row));
}

function runRow(r: RunView): HTMLElement {
  const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  swatch.style.setProperty('background-color', colorOf(r));
  const fact = (cls: string, k: string, v: string) => h('span', { class: `fact ${cls}` }, h('span', { class: 'fact-key' }, k), ' ', h('span', { class: 'fact-value' }, v));
  const live = liveFacts(r);
  return h('div', { class: `run-row status-${r.status.kind}`, 'data-run-id': r.id },
    swatch,
    h('span', { class: 'run-name', title: r.id }, r.info.name),
    h('span', { class: 'badge' }, r.info.cell.toUpperCase()),
    h('span', { class: `status status-${r.status.kind}` }, statusText(r)),
    fact('fact-backend', 'backend', `${r.info.backend} (${r.info.device})`),
    fact('fact-steps-per-second', 'steps/s', formatNumber(live.stepsPerSecond, 3)),
    fact('fact-best-val', 'best val', formatNumber(live.bestValidationLoss)),
    fact('fact-time', 'time', formatDuration(r.seconds)),
    h('span', { class: 'actions' },
      headerButton('action-stop', 'Stop', () => post({ type: 'stop', runId: r.id }), r.status.kind !== 'running'),
      headerButton('action-open-config', 'Open Config', () => post({ type: 'openConfig', runId: r.id })),
      headerButton('action-reveal', 'Reveal Folder', () => post({ type: 'revealFolder', runId: r.id }))),
  );
}

/**
 * Speed and best validation loss: a running run's come from its live records (the host's RunView only
 * changes when the run's status on disk does); a finished run's from the host, or its records when absent.
 */
function liveFacts(r: RunView): { stepsPerSecond?: number; bestValidationLoss?: number } {
  const d = dataOf(r.id);
  const fromData = { stepsPerSecond: d.stepsPerSecond(), bestValidationLoss: d.bestValidationLoss() };
  if (r.status.kind === 'running') return { stepsPerSecond: fromData.stepsPerSecond ?? r.stepsPerSecond, bestValidationLoss: fromData.bestValidationLoss ?? r.bestValidationLoss };
  return { stepsPerSecond: r.stepsPerSecond ?? fromData.stepsPerSecond, bestValidationLoss: r.bestValidationLoss ?? fromData.bestValidationLoss };
}

/**
 * A running run's header follows its live records: status step, elapsed time, steps/s over the last 50
 * steps and best validation loss, updated in place so the Stop button stays put.
 */
function liveHeader(runId: string, records: MetricRecord[]): void {
  const r = runs.find((x) => x.id === runId);
  if (!r || r.status.kind !== 'running') return;
  let last: MetricRecord | undefined;
  for (const rec of records) if (rec.kind === 'step' && rec.step > (last?.step ?? r.status.step)) last = rec;
  if (last?.kind === 'step') {
    r.status = { ...r.status, step: last.step };
    r.seconds = Math.max(r.seconds, last.time);
  }
  const row = header.querySelector(`.run-row[data-run-id="${CSS.escape(runId)}"]`);
  if (!row) return;
  const set = (sel: string, text: string) => {
    const el = row.querySelector(sel);
    if (el && el.textContent !== text) el.textContent = text;
  };
  const live = liveFacts(r);
  set('.status', statusText(r));
  set('.fact-steps-per-second .fact-value', formatNumber(live.stepsPerSecond, 3));
  set('.fact-best-val .fact-value', formatNumber(live.bestValidationLoss));
  set('.fact-time .fact-value', formatDuration(r.seconds));
}

// ---------- loss ----------
const lossPanel = panels[0];
const smoothing = h('input', { id: 'smoothing', type: 'range', min: 0, max: 0.999, step: 0.001, value: ui.smoothing, 'aria-label': 'Smoothing' });
const smoothingValue = h('span', { class: 'control-value' }, ui.smoothing.toFixed(3));
const logY = h('vscode-checkbox', { id: 'log-y', checked: ui.logY, label: 'Log scale' });
const legend = h('div', { id: 'loss-legend', class: 'legend', role: 'group', 'aria-label': 'Runs shown' });
const lossChartEl = h('div', { id: 'loss-chart', class: 'chart', 'aria-label': 'Loss curves. Drag to zoom, double-click or 0 to reset, arrow keys pan.' });
const exportCsv = h('vscode-button', { id: 'export-csv', secondary: true }, 'Export CSV');
const exportPng = h('vscode-button', { id: 'export-png', secondary: true }, 'Export PNG');
const exportSvg = h('vscode-button', { id: 'export-svg', secondary: true }, 'Export SVG');
lossPanel.append(
  h('div', { class: 'toolbar' },
    h('label', { class: 'control' }, h('span', { class: 'control-label' }, 'Smoothing'), smoothing, smoothingValue),
    logY,
    select('x-axis', 'X axis', [['step', 'Step'], ['epoch', 'Epoch'], ['time', 'Wall time (s)']], ui.xAxis, (v) => {
      saveUi({ xAxis: v as typeof ui.xAxis });
      lossChart.setXRange(undefined);
      lossChart.setOptions({ xLabel: xLabel() });
      updateLoss();
    }),
    h('span', { class: 'spacer' }), exportCsv, exportPng, exportSvg),
  legend, lossChartEl,
  h('p', { class: 'hint' }, 'Faint: raw training loss. Solid: smoothed (TensorBoard’s debiased EMA). Dots: validation. Dashed: the task’s baseline.'),
);
const xLabel = () => ({ step: 'step', epoch: 'epoch', time: 'wall time (s)' })[ui.xAxis];
const lossChart = new SeriesChart(lossChartEl, { xLabel: xLabel(), yLabel: 'loss', logY: ui.logY, height: 340 }, theme);
smoothing.addEventListener('input', () => {
  saveUi({ smoothing: Number(smoothing.value) });
  smoothingValue.textContent = ui.smoothing.toFixed(3);
  updateLoss();
});
logY.addEventListener('change', () => {
  saveUi({ logY: logY.checked });
  lossChart.setOptions({ logY: ui.logY });
  updateLoss();
});
exportCsv.addEventListener('click', () => post({ type: 'export', format: 'csv', fileName: 'loss.csv', data: lossCsv(runs.map((r) => ({ name: r.info.name, data: dataOf(r.id) }))) }));
exportPng.addEventListener('click', () => post({ type: 'export', format: 'png', fileName: 'loss.png', data: lossChart.toPng(lossDecor()) }));
exportSvg.addEventListener('click', () => post({ type: 'export', format: 'svg', fileName: 'loss.svg', data: lossChart.toSvg(lossDecor()) }));

/** Title and legend of an exported loss chart: the runs shown, in their colours. */
function lossDecor(): ExportDecor {
  const shown = runs.filter((r) => !hiddenRuns.has(r.id));
  const title = panelKind === 'run' && runs[0] ? `${runs[0].info.name} (${runs[0].info.cell.toUpperCase()}): loss` : `Loss: ${shown.length} of ${runs.length} runs`;
  return { title, legend: shown.map((r) => ({ label: runName(r), color: colorOf(r) })) };
}

const xCache = new Map<string, { key: string; train: Float64Array; val: Float64Array; smooth: Float64Array; smoothKey: string }>();
function lossXs(r: RunView) {
  const d = dataOf(r.id);
  const key = `${d.version}|${ui.xAxis}`;
  let c = xCache.get(r.id);
  if (!c || c.key !== key) {
    const s = d.step;
    const e = d.eval;
    let train: Float64Array;
    let val: Float64Array;
    if (ui.xAxis === 'step') {
      train = s.step.view();
      val = e.step.view();
    } else if (ui.xAxis === 'time') {
      train = s.time.view();
      val = e.time.view();
    } else {
      train = fractionalEpochs(s.step.view(), s.epoch.view());
      val = interpolateAt(s.step.view(), train, e.step.view(), e.epoch.view());
    }
    c = { key, train, val, smooth: c?.smooth ?? new Float64Array(0), smoothKey: '' };
    xCache.set(r.id, c);
  }
  const sk = `${d.version}|${ui.smoothing}`;
  if (c.smoothKey !== sk) {
    c.smooth = emaSmooth(d.step.loss.view(), ui.smoothing, c.smooth);
    c.smoothKey = sk;
  }
  return c;
}

function renderLegend(): void {
  legend.replaceChildren(
    ...runs.map((r) => {
      const b = h('button', { class: 'legend-entry', 'data-run-id': r.id, 'aria-pressed': String(!hiddenRuns.has(r.id)), title: 'Show or hide this run' });
      const sw = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      sw.style.setProperty('background-color', colorOf(r));
      b.append(sw, runName(r));
      b.addEventListener('click', () => {
        if (hiddenRuns.has(r.id)) hiddenRuns.delete(r.id);
        else hiddenRuns.add(r.id);
        renderLegend();
        updateLoss();
        updateGradients();
      });
      return b;
    }),
  );
}

function updateLoss(): void {
  const series: ChartSeries[] = [];
  for (const r of runs) {
    const d = dataOf(r.id);
    const c = lossXs(r);
    const color = colorOf(r);
    const show = !hiddenRuns.has(r.id);
    series.push({ label: `${runName(r)} raw`, color: withAlpha(color, 0.25), x: c.train, y: d.step.loss.view(), width: 1, show });
    series.push({ label: `${runName(r)} train`, color, x: c.train, y: c.smooth.subarray(0, d.step.loss.length), width: 2, show });
    series.push({ label: `${runName(r)} validation`, color, x: c.val, y: d.eval.loss.view(), width: 1, dash: [2, 3], points: true, show });
  }
  const baselines = new Map<string, number>();
  for (const r of runs) if (r.info.baseline) baselines.set(r.info.baseline.label, r.info.baseline.value);
  lossChart.setSeries(series, [...baselines].map(([label, value]) => ({ label: `baseline: ${label}`, value, color: theme.muted })));
}

// ---------- hidden states ----------
const hsPanel = panels[1];
const hsControls = h('div', { class: 'toolbar' });
const stepSlider = h('input', { id: 'snapshot-step', type: 'range', min: 0, max: 0, step: 1, value: 0, 'aria-label': 'Training step of the snapshot' });
const stepLabel = h('span', { id: 'snapshot-label', class: 'control-value' }, '–');
const heatWrap = h('div', { class: 'heatmap-wrap' });
const tooltip = h('div', { id: 'heatmap-tooltip', class: 'tooltip', hidden: true, role: 'status' });
const unitText = h('div', { id: 'unit-text', class: 'unit-text', 'aria-live': 'polite' });
const hsEmpty = h('p', { class: 'empty', hidden: true }, 'No diagnostics snapshot yet. Enable diagnostics in the config to see hidden states.');
hsPanel.append(hsControls, h('div', { class: 'toolbar' }, h('label', { class: 'control grow' }, h('span', { class: 'control-label' }, 'Snapshot'), stepSlider, stepLabel)), hsEmpty, heatWrap, tooltip, unitText, legendScale('diverging'));
const heatmap = new HeatmapView(heatWrap, 'heatmap-canvas', theme.foreground);
let hsRunId = '';
/** Snapshot step the user chose; undefined follows the latest. */
let pinnedStep: number | undefined;
let selectedUnit: number | undefined;
let lastHeatmapMs = 0;

function legendScale(kind: 'diverging' | 'sequential', lo = '−1', hi = '+1'): HTMLElement {
  const bar = h('canvas', { class: 'scale-bar', width: 256, height: 1 });
  const ctx = bar.getContext('2d');
  if (ctx) {
    const img = ctx.createImageData(256, 1);
    const t = kind === 'diverging' ? DIVERGING_LUT : SEQUENTIAL_LUT;
    for (let i = 0; i < 256; i++) img.data.set([t[i * 3], t[i * 3 + 1], t[i * 3 + 2], 255], i * 4);
    ctx.putImageData(img, 0, 0);
  }
  return h('div', { class: 'scale' }, h('span', { class: 'scale-lo' }, lo), bar, h('span', { class: 'scale-hi' }, hi));
}

function hsRun(): RunView | undefined {
  return runs.find((r) => r.id === hsRunId) ?? runs[0];
}

function stateOptions(r: RunView): Array<[string, string]> {
  const opts: Array<[string, string]> = [['h', 'h (hidden state)']];
  if (r.info.cell === 'lstm') opts.push(['c', 'c (cell state)']);
  r.info.gateNames.forEach((g, i) => opts.push([`gate:${i}`, `gate ${g}`]));
  return opts;
}

function layersOf(snap: DiagnosticsSnapshot | undefined): number[] {
  if (!snap) return [0];
  const ls = Object.keys(snap.arrays).map((k) => /^l(\d+)\.h$/.exec(k)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1]));
  return ls.length ? ls.sort((a, b) => a - b) : [0];
}

function currentSnapshot(r: RunView): DiagnosticsSnapshot | undefined {
  const d = dataOf(r.id);
  const step = pinnedStep ?? d.latestSnapshotStep;
  return d.snapshots.get(step) ?? d.snapshots.get(d.latestSnapshotStep);
}

function renderHsControls(): void {
  const r = hsRun();
  if (!r) return;
  const snap = currentSnapshot(r);
  const items: HTMLElement[] = [];
  if (runs.length > 1) items.push(select('hs-run', 'Run', runs.map((x) => [x.id, runName(x)]), r.id, (v) => { hsRunId = v; pinnedStep = undefined; selectedUnit = undefined; renderHsControls(); updateHidden(); if (gradRunId === undefined) { renderGradControls(); dirty.gradients = true; } }));
  items.push(select('hs-layer', 'Layer', layersOf(snap).map((l) => [String(l), `layer ${l}`]), String(ui.layer), (v) => { saveUi({ layer: Number(v) }); updateHidden(); }));
  const states = stateOptions(r);
  if (!states.some(([v]) => v === ui.state)) saveUi({ state: 'h' });
  items.push(select('hs-state', 'State', states, ui.state, (v) => { saveUi({ state: v }); updateHidden(); }));
  items.push(select('hs-sort', 'Sort units', [['none', 'by index'], ['variance', 'by variance'], ['activation', 'by activation at t']], ui.sort, (v) => { saveUi({ sort: v as typeof ui.sort }); updateHidden(); }));
  const sortT = h('input', { id: 'hs-sort-t', type: 'number', min: 0, value: ui.sortT, class: 'number', 'aria-label': 'Timestep for sorting' });
  sortT.addEventListener('change', () => { saveUi({ sortT: Math.max(0, Math.floor(Number(sortT.value) || 0)) }); updateHidden(); });
  items.push(h('label', { class: 'control' }, h('span', { class: 'control-label' }, 't'), sortT));
  hsControls.replaceChildren(...items);
}

function hsMatrix(r: RunView, snap: DiagnosticsSnapshot): { values: Float32Array; T: number; H: number } | undefined {
  const l = ui.layer;
  if (ui.state.startsWith('gate:')) {
    const g = Number(ui.state.slice(5));
    const a = snap.arrays[`l${l}.gates`];
    if (!a) return undefined;
    const G = r.info.gateNames.length || 1;
    const [T, GH] = a.shape;
    const H = GH / G;
    return { values: gateSlice(a.data, T, H, G, g), T, H };
  }
  const a = snap.arrays[`l${l}.${ui.state}`];
  if (!a) return undefined;
  return { values: a.data, T: a.shape[0], H: a.shape[1] };
}

let hsOrder: number[] = [];
let hsMat: { values: Float32Array; T: number; H: number } | undefined;
function updateHidden(): void {
  const r = hsRun();
  const snap = r && currentSnapshot(r);
  hsEmpty.hidden = !!snap;
  heatWrap.hidden = !snap;
  if (!r || !snap) return;
  const steps = r.snapshotSteps.length ? r.snapshotSteps : [snap.step];
  stepSlider.max = String(steps.length - 1);
  const idx = steps.indexOf(pinnedStep ?? dataOf(r.id).latestSnapshotStep);
  stepSlider.value = String(idx >= 0 ? idx : steps.length - 1);
  stepLabel.textContent = `step ${snap.step}${pinnedStep === undefined ? ' (latest)' : ''}`;
  const m = hsMatrix(r, snap);
  if (!m) return;
  hsMat = m;
  hsOrder = ui.sort === 'variance' ? orderByVariance(m.values, m.T, m.H) : ui.sort === 'activation' ? orderByActivation(m.values, m.T, m.H, ui.sortT) : Array.from({ length: m.H }, (_, i) => i);
  const rgba = unitsByTimeRgba(m.values, m.T, m.H, hsOrder);
  const tokens = r.info.probeTokens ?? [];
  const width = Math.max(300, heatWrap.clientWidth || 800);
  const height = Math.min(900, Math.max(200, m.H * 6 + 40));
  lastHeatmapMs = heatmap.draw(rgba, { rows: m.H, cols: m.T, rowLabel: (row) => String(hsOrder[row]), colLabel: (c) => tokenLabel(tokens[c] ?? String(c)), rowTitle: 'unit', colTitle: tokens.length ? 'probe token (timestep)' : 'timestep' }, width, height);
  renderUnitText();
}

const tokenLabel = (t: string) => (t === '\n' ? '⏎' : t === ' ' ? '␣' : t);

heatmap.onHover = (cell, ev) => {
  const r = hsRun();
  if (!cell || !hsMat || !r) {
    tooltip.hidden = true;
    return;
  }
  const u = hsOrder[cell.row];
  const v = hsMat.values[cell.col * hsMat.H + u];
  const tok = r.info.probeTokens?.[cell.col];
  tooltip.textContent = `unit ${u} · t ${cell.col}${tok !== undefined ? ` · “${tokenLabel(tok)}”` : ''} · ${formatNumber(v)}`;
  tooltip.hidden = false;
  const box = hsPanel.getBoundingClientRect();
  const bounds = { left: Math.max(0, box.left), top: Math.max(0, box.top), right: Math.min(document.documentElement.clientWidth, box.right), bottom: Math.min(document.documentElement.clientHeight, box.bottom) };
  const at = tooltipPlacement({ x: ev.clientX, y: ev.clientY }, { width: tooltip.offsetWidth, height: tooltip.offsetHeight }, bounds);
  tooltip.style.setProperty('left', `${at.left - box.left}px`);
  tooltip.style.setProperty('top', `${at.top - box.top}px`);
};
heatmap.onClick = (cell) => {
  selectedUnit = hsOrder[cell.row];
  renderUnitText();
};

function renderUnitText(): void {
  const r = hsRun();
  if (selectedUnit === undefined || !hsMat || !r) {
    unitText.replaceChildren(h('span', { class: 'hint' }, 'Click a unit (row) to colour the probe by its activation.'));
    return;
  }
  const tokens = r.info.probeTokens ?? Array.from({ length: hsMat.T }, (_, t) => `${t} `);
  const spans = tokens.slice(0, hsMat.T).map((tok, t) => {
    const v = hsMat!.values[t * hsMat!.H + selectedUnit!];
    const s = h('span', { class: 'tok', title: `t ${t}: ${formatNumber(v)}`, 'data-t': t }, tok.length > 1 ? `${tok} ` : tok);
    const c = diverging(v);
    s.style.setProperty('background-color', cssRgb(c));
    s.style.setProperty('color', (c[0] * 299 + c[1] * 587 + c[2] * 114) / 1000 > 140 ? '#111' : '#fff');
    return s;
  });
  unitText.replaceChildren(h('div', { class: 'unit-title' }, `Unit ${selectedUnit} (${ui.state}, layer ${ui.layer})`), h('div', { class: 'tokens' }, ...spans));
}

stepSlider.addEventListener('input', () => {
  const r = hsRun();
  if (!r) return;
  const steps = r.snapshotSteps;
  const i = Number(stepSlider.value);
  const step = steps[i];
  if (step === undefined) return;
  pinnedStep = i === steps.length - 1 ? undefined : step;
  stepLabel.textContent = `step ${step}`;
  if (!dataOf(r.id).snapshots.has(step)) post({ type: 'requestSnapshot', runId: r.id, step });
  else updateHidden();
});

// ---------- gradients ----------
const gPanel = panels[2];
const gTimeEl = h('div', { id: 'grad-time-chart', class: 'chart', 'aria-label': '‖∂L_T/∂h_t‖ against t' });
const gHeatWrap = h('div', { class: 'heatmap-wrap' });
const gControls = h('div', { class: 'toolbar' });
const gNormEl = h('div', { id: 'grad-norm-chart', class: 'chart', 'aria-label': 'Global gradient norm per step' });
const normsTable = h('table', { id: 'norms-table', class: 'norms' });
gPanel.append(
  h('h3', {}, '‖∂L', h('sub', {}, 'T'), '/∂h', h('sub', {}, 't'), '‖ against t (latest snapshot solid, earlier ones faded)'), gTimeEl,
  h('h3', {}, 'The same over training: snapshot step × timestep (log colour)'), gControls, gHeatWrap, legendScale('sequential', 'small', 'large'),
  h('h3', {}, 'Global gradient norm per step'), gNormEl,
  h('h3', {}, 'Per-parameter norms (latest snapshot)'), normsTable,
);
const gTimeChart = new SeriesChart(gTimeEl, { xLabel: 'timestep t', yLabel: '‖∂L_T/∂h_t‖', logY: true, height: 260 }, theme);
const gNormChart = new SeriesChart(gNormEl, { xLabel: 'step', yLabel: 'gradient norm', logY: false, height: 220 }, theme);
const gHeat = new HeatmapView(gHeatWrap, 'grad-heatmap', theme.foreground);
/** Run of the gradient heatmap and norms table in a comparison; undefined follows the Hidden states tab's. */
let gradRunId: string | undefined;
const gradRun = () => runs.find((r) => r.id === gradRunId) ?? hsRun();

function renderGradControls(): void {
  const r = gradRun();
  gControls.hidden = runs.length < 2 || !r;
  if (gControls.hidden || !r) return gControls.replaceChildren();
  gControls.replaceChildren(select('grad-run', 'Run', runs.map((x) => [x.id, runName(x)]), r.id, (v) => { gradRunId = v; updateGradients(); }));
}

function updateGradients(): void {
  const series: ChartSeries[] = [];
  for (const r of runs) {
    if (hiddenRuns.has(r.id)) continue;
    const d = dataOf(r.id);
    const steps = [...d.gradientHistory.keys()].sort((a, b) => a - b);
    const key = `l${ui.layer}.dhLast`;
    const shown = steps.slice(-8);
    shown.forEach((s, i) => {
      const y = d.gradientHistory.get(s)?.[key];
      if (!y) return;
      const latest = i === shown.length - 1;
      const alpha = latest ? 1 : 0.12 + (0.5 * i) / shown.length;
      series.push({ label: `${runName(r)} step ${s}`, color: withAlpha(colorOf(r), alpha), x: Float64Array.from({ length: y.length }, (_, t) => t), y, width: latest ? 2.5 : 1 });
    });
  }
  gTimeChart.setSeries(series);
  const r = gradRun();
  if (r) {
    const d = dataOf(r.id);
    const steps = [...d.gradientHistory.keys()].sort((a, b) => a - b);
    const rows = steps.map((s) => d.gradientHistory.get(s)?.[`l${ui.layer}.dhLast`]).filter((x): x is Float32Array => !!x);
    if (rows.length && rows[0].length) {
      const T = rows[0].length;
      const flat = new Float32Array(rows.length * T);
      rows.forEach((row, i) => flat.set(row.subarray(0, T), i * T));
      const n = logNormalize(flat);
      const rgba = unitsByTimeRgba(transpose(n.values, rows.length, T), T, rows.length, Array.from({ length: rows.length }, (_, i) => i), 0, 1, SEQUENTIAL_LUT);
      // rows: snapshot steps, columns: timesteps
      gHeat.draw(rgba, { rows: rows.length, cols: T, rowLabel: (i) => String(steps[i]), colLabel: (t) => String(t), rowTitle: 'step', colTitle: 'timestep t' }, Math.max(300, gHeatWrap.clientWidth || 800), Math.min(400, Math.max(160, rows.length * 8 + 40)));
    }
    const snap = d.snapshots.get(d.latestSnapshotStep);
    const names = new Set([...Object.keys(snap?.weightNorms ?? {}), ...Object.keys(snap?.gradNorms ?? {})]);
    normsTable.replaceChildren(
      h('thead', {}, h('tr', {}, h('th', {}, 'parameter'), h('th', {}, '‖W‖'), h('th', {}, '‖∂L/∂W‖'))),
      h('tbody', {}, ...[...names].map((n) => h('tr', {}, h('td', {}, n), h('td', { class: 'num' }, formatNumber(snap?.weightNorms?.[n])), h('td', { class: 'num' }, formatNumber(snap?.gradNorms?.[n]))))),
    );
  }
  const norms: ChartSeries[] = runs.map((x) => ({ label: runName(x), color: colorOf(x), x: dataOf(x.id).step.step.view(), y: dataOf(x.id).step.gradNorm.view(), width: 1, show: !hiddenRuns.has(x.id) }));
  const clips = [...new Set(runs.map((x) => x.clipNorm).filter((c): c is number => c !== undefined))];
  gNormChart.setSeries(norms, clips.map((c) => ({ value: c, label: `clipping threshold ${c}`, color: theme.muted })));
}

/** [T, S] values laid out so that unitsByTimeRgba draws rows = S, columns = T. */
function transpose(values: Float64Array, S: number, T: number): Float64Array {
  const out = new Float64Array(S * T);
  for (let s = 0; s < S; s++) for (let t = 0; t < T; t++) out[t * S + s] = values[s * T + t];
  return out;
}

// ---------- output ----------
const oPanel = panels[3];
const samplesEl = h('div', { id: 'samples', class: 'samples' });
const prime = h('vscode-textfield', { id: 'generate-prime', value: 'The ', 'aria-label': 'Prime text' });
const temp = h('input', { id: 'generate-temperature', type: 'number', min: 0.05, max: 3, step: 0.05, value: 0.8, class: 'number', 'aria-label': 'Temperature' });
const length = h('input', { id: 'generate-length', type: 'number', min: 1, max: 5000, step: 1, value: 200, class: 'number', 'aria-label': 'Length' });
const genButton = h('vscode-button', { id: 'generate-button' }, 'Generate');
const generated = h('pre', { id: 'generated-text', class: 'sample-text', 'aria-live': 'polite' });
const genForm = h('div', { class: 'generate' },
  h('h3', {}, 'Generate'),
  h('div', { class: 'toolbar' }, h('label', { class: 'control grow' }, h('span', { class: 'control-label' }, 'Prime'), prime), h('label', { class: 'control' }, h('span', { class: 'control-label' }, 'Temperature'), temp), h('label', { class: 'control' }, h('span', { class: 'control-label' }, 'Length'), length), genButton),
  generated);
const forecastEl = h('div', { id: 'forecast-chart', class: 'chart', hidden: true });
const outputEmpty = h('p', { class: 'empty' }, 'No text samples or forecasts for this run yet.');
oPanel.append(genForm, h('h3', {}, 'Samples at evaluations'), samplesEl, forecastEl, outputEmpty);
const forecastChart = new SeriesChart(forecastEl, { xLabel: 'time', yLabel: 'value', logY: false, height: 260 }, theme);
genButton.addEventListener('click', () => {
  const r = hsRun();
  if (!r) return;
  generated.textContent = 'Generating…';
  post({ type: 'generate', runId: r.id, prime: prime.value, temperature: Number(temp.value) || 1, length: Math.max(1, Math.floor(Number(length.value) || 200)) });
});

function updateOutput(): void {
  const r = hsRun();
  if (!r) return;
  const d = dataOf(r.id);
  const isText = d.samples.length > 0 || (r.info.task === 'text');
  genForm.hidden = !isText;
  const latest = [...d.samples].sort((a, b) => b.step - a.step || a.temperature - b.temperature).slice(0, 30);
  samplesEl.replaceChildren(...latest.map((s) => h('div', { class: 'sample' }, h('div', { class: 'sample-meta' }, `step ${s.step} · temperature ${s.temperature}`), h('pre', { class: 'sample-text' }, h('span', { class: 'prime' }, s.prime), s.text))));
  const snap = d.snapshots.get(d.latestSnapshotStep);
  const pred = snap?.arrays['forecast.pred'];
  const actual = snap?.arrays['forecast.actual'];
  forecastEl.hidden = !(pred && actual);
  if (pred && actual) {
    const x = Float64Array.from({ length: actual.data.length }, (_, i) => i);
    forecastChart.setSeries([
      { label: 'actual', color: theme.muted, x, y: actual.data, width: 1.5 },
      { label: 'forecast', color: colorOf(r), x: Float64Array.from({ length: pred.data.length }, (_, i) => i), y: pred.data, width: 2 },
    ]);
  }
  outputEmpty.hidden = latest.length > 0 || !!(pred && actual) || isText;
}

// ---------- updates ----------
let pending = 0;
const dirty = { loss: false, hidden: false, gradients: false, output: false };
function scheduleAll(): void {
  dirty.loss = dirty.hidden = dirty.gradients = dirty.output = true;
  schedule();
}
/** Live messages only mark views dirty; the work happens once per animation frame, for the visible tab. */
function schedule(): void {
  if (pending) return;
  pending = requestAnimationFrame(() => {
    pending = 0;
    const tab = ui.tab;
    if (dirty.loss && tab === 0) { dirty.loss = false; updateLoss(); }
    if (dirty.hidden && tab === 1) { dirty.hidden = false; updateHidden(); }
    if (dirty.gradients && tab === 2) { dirty.gradients = false; updateGradients(); }
    if (dirty.output && tab === 3) { dirty.output = false; updateOutput(); }
  });
}

function recreateCharts(): void {
  theme = readTheme();
  heatmap.setForeground(theme.foreground);
  gHeat.setForeground(theme.foreground);
  for (const c of [lossChart, gTimeChart, gNormChart, forecastChart]) c.setTheme(theme);
  renderHeader();
  renderLegend();
  scheduleAll();
}
watchTheme(recreateCharts);

function showError(message: string): void {
  errorBar.textContent = message;
  errorBar.hidden = false;
}

window.addEventListener('message', (ev: MessageEvent) => {
  const msg = ev.data as HostToWebview;
  switch (msg.type) {
    case 'init':
      panelKind = msg.panelKind;
      runs = msg.runs;
      pendingRuns = msg.pending ?? [];
      data.clear();
      xCache.clear();
      saveUi({ runIds: runs.map((r) => r.id) });
      if (!runs.some((r) => r.id === hsRunId)) hsRunId = runs[0]?.id ?? '';
      root.dataset.state = 'ready';
      renderHeader();
      renderLegend();
      if (!runs.some((r) => r.id === gradRunId)) gradRunId = undefined;
      renderHsControls();
      renderGradControls();
      scheduleAll();
      break;
    case 'runs': {
      // a run the host no longer lists (deleted meanwhile) stays on screen; queued runs that started join
      const known = new Set(runs.map((r) => r.id));
      const joined = msg.runs.filter((n) => !known.has(n.id));
      runs = [...runs.map((r) => msg.runs.find((n) => n.id === r.id) ?? r), ...joined].sort((a, b) => a.colorIndex - b.colorIndex);
      pendingRuns = msg.pending ?? [];
      renderHeader();
      if (joined.length > 0) {
        saveUi({ runIds: runs.map((r) => r.id) });
        if (!runs.some((r) => r.id === hsRunId)) hsRunId = runs[0]?.id ?? '';
        renderLegend();
        renderHsControls();
        renderGradControls();
        scheduleAll();
      }
      break;
    }
    case 'metrics':
      dataOf(msg.runId).add(msg.records);
      liveHeader(msg.runId, msg.records);
      dirty.loss = dirty.gradients = dirty.output = true;
      schedule();
      break;
    case 'diagnostics': {
      const r = runs.find((x) => x.id === msg.runId);
      dataOf(msg.runId).addSnapshot(msg.snapshot);
      if (r && !r.snapshotSteps.includes(msg.snapshot.step)) r.snapshotSteps = [...r.snapshotSteps, msg.snapshot.step].sort((a, b) => a - b);
      if (msg.runId === hsRun()?.id) renderHsControls();
      dirty.hidden = dirty.gradients = dirty.output = true;
      schedule();
      break;
    }
    case 'gradientHistory':
      dataOf(msg.runId).addGradientHistory(msg.steps, msg.arrays);
      dirty.gradients = true;
      schedule();
      break;
    case 'generated':
      generated.replaceChildren(h('span', { class: 'prime' }, msg.prime), msg.text);
      break;
    case 'error':
      showError(msg.message);
      if (generated.textContent === 'Generating…') generated.textContent = '';
      break;
  }
});

window.addEventListener('error', (e) => post({ type: 'log', level: 'error', message: String(e.message) }));

/** Hooks for tests and the benchmark (no effect on users). */
(window as unknown as { seqlabDashboard: unknown }).seqlabDashboard = {
  lossChart,
  setLossRange: (lo: number, hi: number) => { lossChart.setXRange([lo, hi]); return lossChart.flush(); },
  redrawHeatmap: () => { updateHidden(); return lastHeatmapMs; },
  selectTab: (i: number) => { tabs.selectedIndex = i; saveUi({ tab: i }); scheduleAll(); },
};

post({ type: 'ready' });
