// What each message from the host does: it changes the store and says which views are out of date. Pure
// (no DOM), exhaustive over the shared HostToWebview union: a message type added to the protocol fails
// the type check here until it is handled.
import { assertNever } from '../../src/shared/protocol';
import type { HostToWebview } from '../../src/shared/webviewProtocol';
import { type Effects, TAB_KEYS } from './effects';
import type { DashboardStore } from './store';

export function applyHostMessage(store: DashboardStore, msg: HostToWebview): Effects {
  switch (msg.type) {
    case 'init':
      store.init(msg.panelKind, msg.runs, msg.pending ?? []);
      return { header: 'rows', controls: TAB_KEYS, redraw: TAB_KEYS };
    case 'runs': {
      const joined = store.updateRuns(msg.runs, msg.pending ?? []);
      return joined ? { header: 'rows', controls: TAB_KEYS, redraw: TAB_KEYS } : { header: 'rows' };
    }
    case 'metrics':
      store.addMetrics(msg.runId, msg.columns);
      return { header: { liveRunId: msg.runId }, redraw: ['loss', 'gradients', 'output'] };
    case 'diagnostics':
      store.dataOf(msg.runId).addSnapshot(msg.snapshot);
      store.addSnapshotStep(msg.runId, msg.snapshot.step);
      // the Hidden states and Gradients tabs' layer menus follow what the snapshots of their run hold
      return { controls: [...(msg.runId === store.hiddenStatesRun()?.id ? ['hidden' as const] : []), ...(msg.runId === store.gradientsRun()?.id ? ['gradients' as const] : [])], redraw: ['hidden', 'gradients', 'output', 'seq2seq'] };
    case 'gradientHistory':
      store.dataOf(msg.runId).addGradientHistory(msg.steps, msg.arrays);
      return { controls: msg.runId === store.gradientsRun()?.id ? ['gradients'] : [], redraw: ['gradients'] };
    case 'generated':
      store.finishGeneration(msg.prime, msg.text);
      return { controls: ['output'] };
    case 'error':
      store.fail(msg.message);
      return { controls: ['output'] };
    case 'explored':
    case 'exploreFailed':
      return store.explorer.receive(msg) ? { controls: ['explore'], redraw: ['explore'] } : {};
    case 'translated':
    case 'translateFailed':
      return store.translation.receive(msg) ? { controls: ['seq2seq'] } : {};
    default:
      return assertNever(msg, 'message from the host');
  }
}
