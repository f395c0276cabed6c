// SeqLab dashboard webview: the entry point. Stable hooks for end-to-end tests:
//   #seqlab-dashboard[data-state=loading|ready]   root; `ready` once `init` arrived
//   #run-header .run-row[data-run-id]              one row per run; .action-stop .action-open-config .action-reveal
//              .fact-backend .fact-steps-per-second .fact-best-val .fact-time (each with a .fact-value)
//   #run-header .run-row.pending[data-job-key]     a comparison's run that is queued or starting; .status, .action-stop
//   #tabs  vscode-tab-header.tab-loss .tab-hidden .tab-gradients .tab-output .tab-explore .tab-seq2seq (vscode-tabs
//          rewrites ids; panels: vscode-tab-panel.tab-loss-panel …; .tab-seq2seq[hidden] without an encoder–decoder run)
//   Line charts (.series-chart): [data-x-ticks] [data-y-ticks] the tick labels drawn ('|'-separated);
//              .readout .readout-table: the values under the cursor (a row per run and series)
//   Loss:      #loss-chart (uPlot canvas inside), #loss-legend .legend-entry[data-run-id][aria-pressed],
//              .legend-validation[data-run-id][aria-pressed], #reset-zoom,
//              #smoothing (input range 0..0.999), #log-y, #x-axis, #export-csv, #export-png, #export-svg;
//              #scores-section (hidden without encoder–decoder runs) #scores-chart: exact match, CER/PER, token accuracy
//   Hidden:    #hs-run #hs-layer #hs-state #hs-range #hs-sort #hs-sort-t (+ #hs-sort-t-error) #snapshot-step
//              (input range) #snapshot-label #heatmap-canvas[data-plot=left,top,width,height] #heatmap-canvas-axis
//              #hs-legend[data-kind][data-lo][data-hi] .scale-tick .scale-clip, #heatmap-tooltip .tip-value,
//              #unit-text, #unit-chart
//   Gradients: #grad-time-chart #grad-run #grad-scale (comparisons only) #grad-heatmap #grad-legend
//              #grad-norm-chart #norms-table
//   Output:    #samples .run-samples[data-run-id] .sample, #generate-run (comparisons) #generate-prime
//              #generate-temperature #generate-length #generate-button #generated-text, #forecast-chart
//              #forecast-legend (only when a snapshot has forecast.pred/forecast.actual)
//   Explore:   #ex-mode #ex-text #ex-start #ex-length #ex-run #ex-status · #ex-layer #ex-state #ex-fit #ex-rank #ex-k
//              #ex-feature #ex-units #ex-units-why #ex-readout (.ex-reading[data-unit]) #ex-lines-canvas #ex-threshold
//              #ex-pattern #ex-plot-pattern #ex-match · #ex-match-status #ex-matches .ex-match[data-start] ·
//              #ex-find-units #ex-features-status #ex-features tr[data-feature] .unit-chip · #ex-embed-method
//              #ex-embed-run #ex-embed-status #ex-embedding-canvas #ex-embed-search #ex-embed-find #ex-neighbours
//              (each status line has data-state idle|loading|done|failed)
//   Seq2seq:   #s2s-run (comparisons) #s2s-layer (several layers) #s2s-att-range #s2s-step (input range) #s2s-step-label
//              #s2s-empty #s2s-att-note · #s2s-att-canvas[data-plot] #s2s-att-legend[data-lo][data-hi] #s2s-att-readout
//              (.att-value .att-target .att-source) · #s2s-walk-first #s2s-walk-back #s2s-walk-play #s2s-walk-next
//              #s2s-walk-caption[data-stop=encode:s|handOver|decode:t] #s2s-walk-tokens .s2s-tok[data-col](.current)
//              #s2s-states-canvas #s2s-states-legend #s2s-states-readout .tip-value · #s2s-grad-enc #s2s-grad-dec ·
//              #s2s-try-text #s2s-try-beam #s2s-try-top #s2s-try-go #s2s-try-status[data-state] #s2s-try-result
//              .s2s-hyp[data-rank] (.s2s-hyp-text .s2s-hyp-prob) #s2s-try-att-canvas #s2s-try-att-readout
//   window.seqlabDashboard: test/bench hooks (loss chart range, heatmap draw time, the Explore tab's charts)
// The state lives in one store (state/store.ts); the host's messages change it (state/messages.ts); each
// tab is a module of tabs/ that draws from it (dashboard.ts mounts them and schedules their redraws).
import 'uplot/dist/uPlot.min.css';
import '../media/dashboard.css';
import type { HostToWebview } from '../src/shared/webviewProtocol';
import { Dashboard, type DashboardHooks } from './dashboard';
import { loadUi, post, saveUi } from './host';
import { applyHostMessage } from './state/messages';
import { DashboardStore } from './state/store';
import { readTheme, watchTheme } from './theme';
import { h } from './views/dom';

declare global {
  interface Window {
    seqlabDashboard?: DashboardHooks;
  }
}

const root = document.getElementById('seqlab-dashboard') ?? document.body.appendChild(h('div', { id: 'seqlab-dashboard' }));
const store = new DashboardStore(loadUi(), readTheme(), saveUi);
const dashboard = new Dashboard(root, store, post);

watchTheme(() => {
  store.setTheme(readTheme());
  dashboard.refreshAll();
});
// the host posts only HostToWebview (src/extension's panel host); VS Code delivers nothing else here
window.addEventListener('message', (ev: MessageEvent<HostToWebview>) => dashboard.apply(applyHostMessage(store, ev.data)));
window.addEventListener('error', (e) => post({ type: 'log', level: 'error', message: String(e.message) }));
window.seqlabDashboard = dashboard.hooks();

post({ type: 'ready' });
