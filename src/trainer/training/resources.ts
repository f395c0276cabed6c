// How much memory and disk a run will take, estimated before it builds anything, and whether that
// fits this machine. The model copies are counted as the wasm kernels allocate them (kernels/seqlab.ts
// `init`, mirrored here buffer by buffer): every training thread and every extra shape the run
// evaluates at (validation, the diagnostics probe, text sampling) holds its own instance with
// parameters, gradients, two optimizer slots, packed weights and the activations kept for
// backpropagation through time. test/process/resources.test.ts checks the instance size against the
// kernels' own allocation and the total against peak memory measured on real runs.

import type { ResourceEstimate } from '../../shared/metrics';
import { formatBytes } from '../../shared/runReport';
import { gatesOf, type ModelSpec, paramCount } from '../model';

/** What the estimate needs to know of a run. */
export interface EstimateInput {
  spec: ModelSpec;
  /** Timesteps of a training example. */
  steps: number;
  /** Rows of each training thread (the batch split across threads). */
  threadRows: number[];
  /** Optimizer slots per parameter (Adam 2, RMSprop and SGD 1). */
  optimizerSlots: number;
  /** Other shapes (rows × timesteps) the run instantiates the model at: validation, probe, sampling. */
  auxShapes: { rows: number; steps: number }[];
  /** Bytes the loaded data holds. */
  dataBytes: number;
  backend: 'wasm' | 'tfjs';
}

/** Resident memory of Node with SeqLab's bundles loaded, before any data (measured: 55–70 MB). */
export const NODE_BASELINE_BYTES = 70 * 2 ** 20;

/** The most one wasm instance can address (32-bit memory: 65 536 pages of 64 KiB). */
export const WASM_MAX_BYTES = 4 * 2 ** 30;

const F32 = 4;
/** gemm.ts: packed panels of 16 columns, k-blocks of 128. */
const NR = 16, KC = 128;
const packedSize = (k: number, n: number): number => k * Math.ceil(n / NR) * NR;
/** Every kernel buffer is allocated with 64 bytes of slack (gemm.ts `alloc`). */
const SLACK = 64;

/** Bytes of one wasm instance of `spec` at `rows` × `steps`, split as the estimate reports them. */
export function wasmInstanceBytes(spec: ModelSpec, rows: number, steps: number): { state: number; packed: number; activations: number; total: number } {
  const G = gatesOf(spec.cell), H = spec.hiddenSize, GH = G * H, O = spec.outputSize, B = rows, T = steps;
  const tokens = spec.input === 'tokens';
  const I0 = tokens ? spec.embedSize : spec.inputSize;
  const TB = T * B, BH = B * H, headRows = spec.head === 'last' ? B : TB;
  const buffers = { state: [] as number[], packed: [] as number[], activations: [] as number[] };
  const npPad = Math.ceil(paramCount(spec) / 4) * 4;
  // params, grads, slot0, slot1
  buffers.state.push(npPad, npPad, npPad, npPad);
  for (let l = 0; l < spec.layers; l++) {
    const I = l === 0 ? I0 : H;
    buffers.packed.push(packedSize(I, GH), packedSize(H, GH), packedSize(GH, H));
    if (l > 0 || tokens) buffers.packed.push(packedSize(GH, I));
    const a = buffers.activations;
    a.push((T + 1) * BH);                                   // hs
    if (spec.cell === 'lstm') a.push((T + 1) * BH, TB * H); // cs, tanh(c)
    a.push(TB * GH, TB * GH);                               // z, dz
    if (spec.cell === 'gru') a.push(TB * GH, TB * GH);      // zh, dzh
    a.push(TB * H);                                         // dhs
    if (l < spec.layers - 1 && spec.dropout > 0) a.push(TB * H, TB * H);
    a.push(T, T);                                           // dhNorm, dcNorm
  }
  buffers.packed.push(packedSize(H, O), packedSize(O, H), packedSize(KC, Math.max(GH, O)), Math.max(I0, H) * KC);
  buffers.activations.push(
    tokens ? TB : TB * spec.inputSize,                       // x as given
    headRows * (spec.loss === 'mse' ? O : 1),                // y as given
    TB * I0, tokens ? TB * spec.embedSize : 0,               // x0, dx0
    headRows * O, headRows * O,                              // yHat, dyHat
    BH, BH, BH,                                              // dhNext, dcNext, dhDirect
  );
  const bytes = (sizes: number[]) => sizes.reduce((sum, n) => sum + n * F32 + SLACK, 0);
  const state = bytes(buffers.state), packed = bytes(buffers.packed), activations = bytes(buffers.activations);
  return { state, packed, activations, total: state + packed + activations };
}

/** Memory and disk of a run (bytes), from its model, its plan and its data. */
export function estimateResources(input: EstimateInput): ResourceEstimate {
  const { spec, steps, threadRows, optimizerSlots } = input;
  const params = paramCount(spec);
  const copies = [...threadRows.map((rows) => ({ rows, steps })), ...input.auxShapes];
  const instances = copies.map((c) => wasmInstanceBytes(spec, c.rows, c.steps));
  const sum = (f: (i: ReturnType<typeof wasmInstanceBytes>) => number) => instances.reduce((s, i) => s + f(i), 0);
  const n = instances.length;
  const paramBytes = params * F32;
  // shared between threads: the parameters and one gradient buffer per thread, and the batch (parallelPlan.ts)
  const batchRows = threadRows.reduce((a, b) => a + b, 0);
  const ranks = threadRows.length;
  const shared = ranks > 1 ? paramBytes * (1 + ranks) + batchRows * steps * (spec.input === 'tokens' ? 1 : spec.inputSize) * F32 * 2 : 0;
  // transient copies on the main thread: drawing the weights (float32, plus one float64 H×H block), or
  // a checkpoint's parameters and slots, whichever is larger
  const transient = Math.max(paramBytes + 8 * spec.hiddenSize ** 2, (1 + optimizerSlots) * paramBytes);
  const memory = {
    weights: n * paramBytes,
    gradients: n * paramBytes,
    optimizer: n * 2 * paramBytes,
    packed: sum((i) => i.packed),
    activations: sum((i) => i.activations),
    data: input.dataBytes,
    other: NODE_BASELINE_BYTES + shared + transient + (sum((i) => i.state) - n * 4 * paramBytes),
    total: 0,
  };
  memory.total = Object.values(memory).reduce((a, b) => a + b, 0);
  const checkpointBytes = (1 + optimizerSlots) * paramBytes;
  return {
    params,
    memory,
    copies: { threads: ranks, auxiliary: input.auxShapes.length },
    largestCopy: Math.max(...instances.map((i) => i.total)),
    checkpointBytes,
    // the last two checkpoints, the best weights and the final weights
    runFolderBytes: 2 * checkpointBytes + 2 * paramBytes,
    basis: `${input.backend === 'wasm' ? 'wasm kernels' : 'tfjs (counted as the wasm kernels would hold it)'}, ${ranks} thread${ranks === 1 ? '' : 's'}` +
      (input.auxShapes.length > 0 ? ` + ${input.auxShapes.length} evaluation cop${input.auxShapes.length === 1 ? 'y' : 'ies'}` : ''),
  };
}

/** This machine's memory: all of it (or the container's limit), and what is available now. */
export interface MachineMemory {
  totalBytes: number;
  availableBytes: number;
}

/** Above this share of the available memory, a run is warned about. */
export const WARN_MEMORY_SHARE = 0.5;
/** A checkpoint above this size is warned about (it is written every checkpointEvery steps, twice kept). */
export const WARN_CHECKPOINT_BYTES = 500 * 2 ** 20;

export interface ResourceVerdict {
  /** Why the run cannot start, with the numbers and what to lower; undefined when it can. */
  refusal?: string;
  warnings: string[];
}

/** Whether the estimated run fits the machine; what to lower when it does not. */
export function judgeResources(e: ResourceEstimate, machine: MachineMemory, knobs: Knobs, backend: 'wasm' | 'tfjs'): ResourceVerdict {
  const need = `needs about ${formatBytes(e.memory.total)} of memory (${breakdown(e)})`;
  if (backend === 'wasm' && e.largestCopy > WASM_MAX_BYTES) {
    return {
      refusal: `This run's model copy takes ${formatBytes(e.largestCopy)}, and the wasm kernels address at most ${formatBytes(WASM_MAX_BYTES)} per copy. ` +
        `${lowerWhat(e, knobs, false)}, or use "backend": "tfjs".`,
      warnings: [],
    };
  }
  const available = Math.min(machine.availableBytes, machine.totalBytes);
  if (e.memory.total > available) {
    return {
      refusal: `This run ${need}; this machine has ${formatBytes(available)} available (${formatBytes(machine.totalBytes)} in all). ${lowerWhat(e, knobs)}.`,
      warnings: [],
    };
  }
  const warnings: string[] = [];
  if (e.memory.total > WARN_MEMORY_SHARE * available) {
    warnings.push(`this run ${need}, more than half of the ${formatBytes(available)} available; other programs may slow down or be stopped. ${lowerWhat(e, knobs)} to use less.`);
  }
  if (e.checkpointBytes > WARN_CHECKPOINT_BYTES) {
    warnings.push(`each checkpoint takes ${formatBytes(e.checkpointBytes)} on disk (parameters and optimizer state); a finished run folder about ${formatBytes(e.runFolderBytes)}. Lower model.hiddenSize or model.layers for smaller ones.`);
  }
  return { warnings };
}

/** The settings a refusal names, with their values. */
export interface Knobs {
  hiddenSize: number;
  layers: number;
  batchSize: number;
  sequenceLength: number;
  threads: number;
}

/** What to lower, the biggest share of the memory first; fewer threads only help the total, not one copy. */
function lowerWhat(e: ResourceEstimate, k: Knobs, threadsHelp = true): string {
  const m = e.memory;
  const model = m.weights + m.gradients + m.optimizer + m.packed;
  const advice = [
    { bytes: model, text: `model.hiddenSize (${k.hiddenSize}) or model.layers (${k.layers})` },
    { bytes: m.activations, text: `training.batchSize (${k.batchSize}) or the sequence length (${k.sequenceLength})` },
  ].sort((a, b) => b.bytes - a.bytes).map((a) => a.text);
  if (threadsHelp && e.copies.threads > 1) advice.push(`training.threads (${k.threads}: each thread holds its own copy of the model)`);
  return `Lower ${advice.join(', or ')}`;
}

function breakdown(e: ResourceEstimate): string {
  const m = e.memory;
  const copies = e.copies.threads + e.copies.auxiliary;
  return `${formatBytes(m.weights + m.gradients + m.optimizer + m.packed)} for ${copies} cop${copies === 1 ? 'y' : 'ies'} of the model with gradients and optimizer state, ` +
    `${formatBytes(m.activations)} of activations, ${formatBytes(m.data)} of data`;
}
