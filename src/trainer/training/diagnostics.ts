// Diagnostics snapshots: what the dashboards' heatmaps and norm charts read. A snapshot is the model
// kind's view of the probe (hidden states, gates, ‖∂L/∂h_t‖, per-parameter norms) plus the arrays
// the data kind adds (a forecast against the actual values); this file assembles both and holds the
// probe helpers the kinds share.

import type { DiagnosticsConfig } from '../../shared/config';
import type { DiagnosticsSnapshot } from '../../shared/metrics';
import type { Backend, Batch } from '../backends/backend';
import type { DatasetBase, TokenDataset } from '../data';
import { gatesOf, type ModelSpec, paramLayout, type ParamTensor } from '../model';
import type { AnyTask, Probe } from './task';

/** The snapshot of `task` at `step`, or undefined when it takes none. */
export function takeSnapshot(task: AnyTask, step: number): DiagnosticsSnapshot | undefined {
  if (!task.diagnose) return undefined;
  const snap = task.diagnose(step);
  Object.assign(snap.arrays, task.evaluation.snapshotArrays());
  return snap;
}

export { gateNames } from '../../shared/modelSpec';

/** A single-stream model's snapshot of a one-example probe: per layer `l{k}.h`, `.c`, `.gates`, `.dh`,
 *  `.dhLast`, `.dc` as the diagnostics config asks, and per-parameter weight and gradient norms. */
export function layerSnapshot(backend: Backend, spec: ModelSpec, probe: Batch, step: number, o: DiagnosticsConfig): DiagnosticsSnapshot {
  const d = backend.diagnose(probe);
  const H = spec.hiddenSize, G = gatesOf(spec.cell);
  const T = d.layers[0]?.dh.length ?? 0;
  const arrays: DiagnosticsSnapshot['arrays'] = {};
  d.layers.forEach((layer, l) => {
    // the probe batch has one row, so [T, 1, H] is stored as [T, H]
    if (o.hiddenStates) arrays[`l${l}.h`] = { data: layer.hidden, shape: [T, H] };
    if (o.hiddenStates && layer.cell) arrays[`l${l}.c`] = { data: layer.cell, shape: [T, H] };
    if (o.gates && layer.gates) arrays[`l${l}.gates`] = { data: layer.gates, shape: [T, G * H] };
    if (o.gradients) {
      arrays[`l${l}.dh`] = { data: layer.dh, shape: [T] };
      arrays[`l${l}.dhLast`] = { data: layer.dhLast, shape: [T] };
      if (layer.dc) arrays[`l${l}.dc`] = { data: layer.dc, shape: [T] };
    }
  });
  // a dense probe's input (the adding problem's value and marker columns), so the views can mark what it flags
  if (spec.input === 'dense') arrays['probe.input'] = { data: Float32Array.from(probe.x), shape: [T, spec.inputSize] };
  return { step, arrays, ...(o.weightNorms ? tensorNorms(paramLayout(spec), backend.getParams(), d.grads) : {}) };
}

/** Each parameter tensor's weight and gradient L2 norms, by tensor name. */
export function tensorNorms(layout: readonly ParamTensor[], params: Float32Array, grads: Float32Array): Pick<DiagnosticsSnapshot, 'weightNorms' | 'gradNorms'> {
  const weightNorms: Record<string, number> = {}, gradNorms: Record<string, number> = {};
  for (const p of layout) {
    weightNorms[p.name] = l2(params, p.offset, p.size);
    gradNorms[p.name] = l2(grads, p.offset, p.size);
  }
  return { weightNorms, gradNorms };
}

/** The L2 norm of a[offset, offset + size): one parameter tensor's weights or gradients. */
export function l2(a: Float32Array, offset: number, size: number): number {
  let s = 0;
  for (let i = offset; i < offset + size; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** Validation example `validationIndex` (clamped to the split) as the probe, labelled by `label`;
 *  undefined without validation examples. */
export function validationProbe<B>(data: DatasetBase<B>, validationIndex: number | undefined, label: (batch: B) => string[]): Probe<B> | undefined {
  if (data.validationSize === 0) return undefined;
  const index = Math.min(validationIndex ?? 0, data.validationSize - 1);
  const batch = data.batch('validation', [index]);
  return { batch, tokens: label(batch) };
}

/** Timesteps labelled 1..T (dense inputs have no tokens to show). */
export const stepLabels = (steps: number) => (): string[] => Array.from({ length: steps }, (_, t) => String(t + 1));

/** Timesteps labelled with their input tokens. */
export const tokenLabels = (data: TokenDataset) => (batch: Batch<Int32Array>): string[] => Array.from(batch.x, (id) => data.decode([id]));
