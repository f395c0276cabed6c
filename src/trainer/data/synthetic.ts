// Synthetic benchmark tasks of the recurrent-network literature, generated from a seed.
//
// Train example i is a pure function of (data.seed, 'train', i); validation examples come from a
// separate stream (data.seed, 'validation', i), so they are fresh draws, never copies of training
// examples, and any example can be regenerated alone. trainSize = data.samples,
// validationSize = round(samples · validationSplit). `data.length` is T below.
//
//   task            input              output                  steps   baseline
//   adding          dense [T, 2]       mse, last  [1]          T       predict 0.5: MSE 1/24
//   copy            tokens (10)        xent, every (10)        T + 20  memoryless: 10·ln 8/(T+20)
//   temporal-order  tokens (8)         xent, last (4 classes)  T       chance: accuracy 0.25
//   temporal-order-3 tokens (8)        xent, last (8 classes)  T       chance: accuracy 0.125
//   reber           tokens (7)         xent, every (7)         T       grammar optimum (lower bound)
//   sine            dense [T, 1]       mse, last  [1]          T       persistence MSE
//   mackey-glass    dense [T, 1]       mse, last  [1]          T       persistence MSE
//
// sine and mackey-glass predict one value after the window (head `last`, like CSV forecasting), so
// every prediction has the same context and the persistence baseline is exact for the loss.

import type { SyntheticDataConfig, SyntheticTask } from '../../shared/config';
import { allocateBatch, type Batch, type ExampleShape, type InputArray, type TargetArray } from '../batch';
import type { InputKind, LossKind } from '../model';
import { DataError } from './dataError';
import { type Baseline, checkIndex, checkValidationSplit, checkWholeNumber, type SequenceDataset, type Split, type TokenDataset } from './dataset';
import { formatCount } from '../../shared/format';
import { exampleRng, randInt, type Rng } from './random';
import { ELEMENTS_PER_STEP, runSteps, type Steps } from '../steps';

interface SyntheticCommon {
  kind: 'synthetic';
  /** Human name and the paper the task follows. */
  title: string;
  source: string;
  seed: number;
}

/** copy, temporal-order, reber: token sequences with class targets. */
export interface SyntheticTokenDataset extends TokenDataset, SyntheticCommon {
  task: SyntheticTask;
  baseline: Baseline;
}

/** adding, sine, mackey-glass: real-valued sequences, one predicted value. */
export interface SyntheticDenseDataset extends SequenceDataset<'dense', 'mse'>, SyntheticCommon {
  task: SyntheticTask;
  baseline: Baseline;
  /** The task's own criterion for one example, where the literature states one (adding: |error| < 0.04);
   *  the fraction of validation examples that meet it is the `solved` metric. */
  isSolved?: (prediction: number, target: number) => boolean;
}

export type SyntheticDataset = SyntheticTokenDataset | SyntheticDenseDataset;

export interface SyntheticOptions {
  validationSplit: number;
}

/** Hochreiter & Schmidhuber's criterion for the adding problem: absolute error below 0.04. */
export const ADDING_TOLERANCE = 0.04;
export const solved = (prediction: number, target: number): boolean => Math.abs(prediction - target) < ADDING_TOLERANCE;

/** Copy task: symbols 1..8 to remember, 0 = blank, 9 = delimiter; 10 symbols are copied. */
export const COPY_BLANK = 0;
export const COPY_DELIMITER = 9;
export const COPY_SYMBOLS = 8;
export const COPY_LENGTH = 10;

/** Temporal order: distractors a–d, relevant symbols X and Y, start B and end E. */
export const TEMPORAL_ORDER_VOCABULARY = ['a', 'b', 'c', 'd', 'X', 'Y', 'B', 'E'];

/** Embedded Reber grammar symbols, index = id. */
export const REBER_VOCABULARY = ['B', 'T', 'P', 'S', 'X', 'V', 'E'];

/** Examples averaged for the baselines that are estimated rather than known in closed form. */
const BASELINE_EXAMPLES = 2000;

const STREAM: Record<Split, number> = { train: 1, validation: 2 };

interface GeneratorOf<I extends InputKind, L extends LossKind> extends ExampleShape<I, L> {
  title: string;
  source: string;
  outputNames?: string[];
  baseline: Baseline;
  /** Writes example `index` of `split` at offsets xo / yo (in elements) of x and y. */
  write(split: Split, index: number, x: InputArray<I>, xo: number, y: TargetArray<L>, yo: number): void;
}
type TokenGenerator = GeneratorOf<'tokens', 'xent'> & { vocabulary: string[] };
type DenseGenerator = GeneratorOf<'dense', 'mse'> & { isSolved?: (prediction: number, target: number) => boolean };
type TaskGenerator = TokenGenerator | DenseGenerator;

interface Context {
  T: number;
  rngOf: (split: Split, index: number) => Rng;
  size: Record<Split, number>;
  /** The split whose examples estimate a baseline: validation, or train when there is none. */
  reference: Split;
}

export function loadSyntheticDataset(data: SyntheticDataConfig, opts: SyntheticOptions): SyntheticDataset {
  return runSteps(loadSyntheticDatasetSteps(data, opts));
}

/** `loadSyntheticDataset` in chunks (steps.ts): a Mackey-Glass series of millions of samples takes seconds. */
export function* loadSyntheticDatasetSteps(data: SyntheticDataConfig, opts: SyntheticOptions): Steps<SyntheticDataset> {
  const split = opts.validationSplit;
  checkValidationSplit(split);
  checkWholeNumber(data.samples, 1, 'data.samples');
  checkWholeNumber(data.length, 1, 'data.length');
  if (!Number.isSafeInteger(data.seed)) {
    throw new DataError(`data.seed is ${data.seed}`, 'Set data.seed to a whole number', { field: 'data.seed' });
  }
  const size = { train: data.samples, validation: Math.round(data.samples * split) };
  const ctx: Context = {
    T: data.length,
    rngOf: (s, index) => exampleRng(data.seed, STREAM[s], index),
    size,
    reference: size.validation > 0 ? 'validation' : 'train',
  };
  const g = yield* generator(data.task, ctx);
  const common = {
    kind: 'synthetic' as const,
    task: data.task,
    title: g.title,
    source: g.source,
    seed: data.seed,
    inputSize: g.inputSize,
    outputSize: g.outputSize,
    head: g.head,
    steps: g.steps,
    trainSize: size.train,
    validationSize: size.validation,
    baseline: g.baseline,
    ...(g.outputNames && { outputNames: g.outputNames }),
    describe() {
      const b = g.baseline;
      return `${g.title} (${g.source}), T ${data.length}${g.steps !== data.length ? ` (${g.steps} steps)` : ''}, seed ${data.seed}: ` +
        `${formatCount(size.train)} train / ${formatCount(size.validation)} validation examples; ` +
        `baseline ${b.label}: ${b.metric} ${b.value.toPrecision(3)}`;
    },
  };
  if (g.input === 'tokens') {
    const vocabulary = g.vocabulary;
    return {
      ...common, input: g.input, loss: g.loss, vocabulary,
      decode: (ids: ArrayLike<number>) => Array.from(ids, (id) => vocabulary[id] ?? '?').join(''),
      batch: batchesOf(g, size),
    };
  }
  return { ...common, input: g.input, loss: g.loss, ...(g.isSolved && { isSolved: g.isSolved }), batch: batchesOf(g, size) };
}

/** Fills batches from a generator: example i of a split is written where batch row b starts. */
function batchesOf<I extends InputKind, L extends LossKind>(g: GeneratorOf<I, L>, size: Record<Split, number>) {
  const xPer = g.steps * (g.input === 'dense' ? g.inputSize : 1);
  const yPer = (g.head === 'every' ? g.steps : 1) * (g.loss === 'mse' ? g.outputSize : 1);
  return (which: Split, indices: ArrayLike<number>): Batch<InputArray<I>, TargetArray<L>> => {
    const out = allocateBatch(g, indices.length);
    for (let b = 0; b < indices.length; b++) {
      checkIndex(indices[b], size[which], which);
      g.write(which, indices[b], out.x, b * xPer, out.y, b * yPer);
    }
    return out;
  };
}

function* generator(task: SyntheticTask, ctx: Context): Steps<TaskGenerator> {
  switch (task) {
    case 'adding': return adding(ctx);
    case 'copy': return copy(ctx);
    case 'temporal-order': return temporalOrder(ctx, 2);
    case 'temporal-order-3': return temporalOrder(ctx, 3);
    case 'reber': return reber(ctx);
    case 'sine': return sine(ctx);
    case 'mackey-glass': return yield* mackeyGlass(ctx);
    default: {
      const unknown: never = task;
      throw new DataError(`data.task is "${String(unknown)}"`, `Use one of adding, copy, temporal-order, temporal-order-3, reber, sine, mackey-glass`, { field: 'data.task' });
    }
  }
}

function requireLength(T: number, min: number, task: string, why: string): void {
  if (T < min) throw new DataError(`data.length is ${T}, too short for ${task}: ${why}`, `Set data.length to ${min} or more`, { field: 'data.length' });
}

// Hochreiter & Schmidhuber 1997, "Long short-term memory", experiment 4 (the adding problem).
function adding({ T, rngOf }: Context): DenseGenerator {
  requireLength(T, 6, 'the adding problem', 'the second marker is drawn from the first T/2 − 1 steps, distinct from the first');
  const firstRange = Math.min(10, T), secondRange = Math.floor(T / 2) - 1;
  return {
    title: 'adding problem', source: 'Hochreiter & Schmidhuber 1997',
    input: 'dense', inputSize: 2, outputSize: 1, head: 'last', loss: 'mse', steps: T,
    outputNames: ['sum'],
    baseline: { value: 1 / 24, metric: 'mse', label: 'predict 0.5 (Hochreiter & Schmidhuber 1997)' },
    isSolved: solved,
    write(split, index, x, xo, y, yo) {
      const rng = rngOf(split, index);
      for (let t = 0; t < T; t++) {
        x[xo + 2 * t] = rng() * 2 - 1; // value U[-1, 1]
        x[xo + 2 * t + 1] = 0; // marker
      }
      const first = randInt(rng, firstRange);
      let second: number;
      if (first < secondRange) {
        second = randInt(rng, secondRange - 1);
        if (second >= first) second++;
      } else {
        second = randInt(rng, secondRange);
      }
      x[xo + 2 * first + 1] = 1;
      x[xo + 2 * second + 1] = 1;
      y[yo] = 0.5 + (x[xo + 2 * first] + x[xo + 2 * second]) / 4;
    },
  };
}

// Arjovsky, Shah & Bengio 2016, "Unitary evolution recurrent neural networks", the copying memory task.
function copy({ T, rngOf }: Context): TokenGenerator {
  const steps = T + 2 * COPY_LENGTH;
  return {
    title: 'copy task', source: 'Arjovsky et al. 2016',
    input: 'tokens', inputSize: COPY_SYMBOLS + 2, outputSize: COPY_SYMBOLS + 2, head: 'every', loss: 'xent', steps,
    vocabulary: ['-', '1', '2', '3', '4', '5', '6', '7', '8', ':'],
    baseline: {
      value: (COPY_LENGTH * Math.log(COPY_SYMBOLS)) / steps, metric: 'xent',
      label: 'memoryless: blanks, then a uniform guess among 8 symbols (Arjovsky et al. 2016)',
    },
    write(split, index, x, xo, y, yo) {
      const rng = rngOf(split, index);
      x.fill(COPY_BLANK, xo, xo + steps);
      y.fill(COPY_BLANK, yo, yo + steps);
      for (let k = 0; k < COPY_LENGTH; k++) {
        const symbol = 1 + randInt(rng, COPY_SYMBOLS);
        x[xo + k] = symbol;
        y[yo + T + COPY_LENGTH + k] = symbol;
      }
      x[xo + COPY_LENGTH + T - 1] = COPY_DELIMITER;
    },
  };
}

// Hochreiter & Schmidhuber 1997, experiments 6a and 6b (temporal order with 2 or 3 relevant symbols).
// Step 0 is B, step T−1 is E, the rest distractors a–d, except X or Y once in each window. The windows
// are the paper's at T = 100 scaled by T/100: 6a [10, 20] and [50, 60]; 6b [10, 20], [33, 43] and [66, 76].
// Class = the X/Y pattern read as binary with Y = 1, first symbol most significant: XX 0, XY 1, YX 2, YY 3
// (6a); XXX 0 … YYY 7 (6b).
const TEMPORAL_ORDER_WINDOWS: Record<2 | 3, readonly (readonly [number, number])[]> = {
  2: [[0.1, 0.2], [0.5, 0.6]],
  3: [[0.1, 0.2], [0.33, 0.43], [0.66, 0.76]],
};

/** Class names of the temporal-order task with `symbols` relevant symbols: XX, XY, … or XXX, XXY, … */
export function temporalOrderClasses(symbols: 2 | 3): string[] {
  return Array.from({ length: 1 << symbols }, (_, c) =>
    Array.from({ length: symbols }, (_, k) => ((c >> (symbols - 1 - k)) & 1 ? 'Y' : 'X')).join(''));
}

function temporalOrder({ T, rngOf }: Context, symbols: 2 | 3): TokenGenerator {
  requireLength(T, symbols === 2 ? 10 : 20, 'temporal order', `the ${symbols} relevant symbols need separate windows between B and E`);
  const windows = TEMPORAL_ORDER_WINDOWS[symbols].map(([lo, hi]) => [Math.round(lo * T), Math.round(hi * T)] as const);
  const X = 4, B = 6, E = 7;
  const classes = temporalOrderClasses(symbols);
  return {
    title: `temporal order, ${symbols} symbols`, source: `Hochreiter & Schmidhuber 1997, experiment ${symbols === 2 ? '6a' : '6b'}`,
    input: 'tokens', inputSize: TEMPORAL_ORDER_VOCABULARY.length, outputSize: classes.length, head: 'last', loss: 'xent', steps: T,
    vocabulary: TEMPORAL_ORDER_VOCABULARY,
    outputNames: classes,
    baseline: { value: 1 / classes.length, metric: 'accuracy', label: `chance (${classes.length} classes)` },
    write(split, index, x, xo, y, yo) {
      const rng = rngOf(split, index);
      for (let t = 0; t < T; t++) x[xo + t] = randInt(rng, 4);
      x[xo] = B;
      x[xo + T - 1] = E;
      let label = 0;
      for (const [lo, hi] of windows) {
        const t = lo + randInt(rng, hi - lo + 1), bit = randInt(rng, 2);
        x[xo + t] = X + bit;
        label = 2 * label + bit;
      }
      y[yo] = label;
    },
  };
}

// Embedded Reber grammar (Reber 1967; Hochreiter & Schmidhuber 1997, experiment 1): B, then T or P,
// a Reber string, the same T or P again, E. An example is a stream of such strings back to back, cut
// to T + 1 symbols (x = the first T, y = the next symbol at every step); no padding symbol, since the
// loss averages over every step. The grammar is a deterministic automaton whose states branch two
// ways with equal odds, so a predictor that knows it and remembers the T/P loses ln 2 exactly at
// those branches and nothing elsewhere: the baseline is that floor.
const [RB, RT, RP, RS, RX, RV, RE] = [0, 1, 2, 3, 4, 5, 6];
/** Reber's graph: state → its two edges [symbol, next state]; state 6 emits E and ends. */
const REBER_EDGES: Record<number, [number, number][]> = {
  1: [[RT, 2], [RP, 3]],
  2: [[RS, 2], [RX, 4]],
  3: [[RT, 3], [RV, 5]],
  4: [[RX, 3], [RS, 6]],
  5: [[RP, 4], [RV, 6]],
};

/** Symbols of a stream of embedded Reber strings, at least `count` long, and which were two-way choices. */
export function reberStream(rng: Rng, count: number): { symbols: number[]; choice: boolean[] } {
  const symbols: number[] = [], choice: boolean[] = [];
  const emit = (s: number, branched: boolean) => {
    symbols.push(s);
    choice.push(branched);
  };
  while (symbols.length < count) {
    emit(RB, false);
    const arm = rng() < 0.5 ? RT : RP;
    emit(arm, true);
    emit(RB, false);
    for (let state = 1; state !== 6;) {
      const [symbol, next] = REBER_EDGES[state][rng() < 0.5 ? 0 : 1];
      emit(symbol, true);
      state = next;
    }
    emit(RE, false);
    emit(arm, false);
    emit(RE, false);
  }
  return { symbols, choice };
}

function reber({ T, rngOf, size, reference }: Context): TokenGenerator {
  let branches = 0;
  const n = Math.min(size[reference], BASELINE_EXAMPLES);
  for (let i = 0; i < n; i++) {
    const { choice } = reberStream(rngOf(reference, i), T + 1);
    for (let t = 1; t <= T; t++) if (choice[t]) branches++;
  }
  return {
    title: 'embedded Reber grammar', source: 'Reber 1967; Hochreiter & Schmidhuber 1997',
    input: 'tokens', inputSize: 7, outputSize: 7, head: 'every', loss: 'xent', steps: T,
    vocabulary: REBER_VOCABULARY,
    outputNames: REBER_VOCABULARY,
    baseline: { value: (branches * Math.LN2) / (n * T), metric: 'xent', label: 'grammar optimum: ln 2 at each two-way branch (lower bound)' },
    write(split, index, x, xo, y, yo) {
      const { symbols } = reberStream(rngOf(split, index), T + 1);
      for (let t = 0; t < T; t++) {
        x[xo + t] = symbols[t];
        y[yo + t] = symbols[t + 1];
      }
    },
  };
}

// Sum of sines, the common toy forecasting task (no single source paper): s(t) = Σ_k 0.5·sin(2π f_k t + φ_k), two components per example,
// f_k ~ U[0.01, 0.1] cycles per step, φ_k ~ U[0, 2π). x = s(0..T−1), y = s(T).
const SINE_COMPONENTS = 2;
function sine({ T, rngOf, size, reference }: Context): DenseGenerator {
  const signal = (rng: Rng, out: Float64Array) => {
    out.fill(0);
    for (let k = 0; k < SINE_COMPONENTS; k++) {
      const f = 0.01 + 0.09 * rng(), phase = 2 * Math.PI * rng();
      for (let t = 0; t < out.length; t++) out[t] += 0.5 * Math.sin(2 * Math.PI * f * t + phase);
    }
  };
  const s = new Float64Array(T + 1);
  const n = Math.min(size[reference], BASELINE_EXAMPLES);
  let sq = 0;
  for (let i = 0; i < n; i++) {
    signal(rngOf(reference, i), s);
    sq += (s[T] - s[T - 1]) ** 2;
  }
  return {
    title: 'sum of sines', source: 'toy task, two random sinusoids per example',
    input: 'dense', inputSize: 1, outputSize: 1, head: 'last', loss: 'mse', steps: T,
    outputNames: ['next'],
    baseline: { value: sq / n, metric: 'mse', label: 'persistence (repeat the last value)' },
    write(split, index, x, xo, y, yo) {
      const values = new Float64Array(T + 1);
      signal(rngOf(split, index), values);
      for (let t = 0; t < T; t++) x[xo + t] = values[t];
      y[yo] = values[T];
    },
  };
}

// Mackey & Glass 1977, "Oscillation and chaos in physiological control systems":
//   dx/dt = β x(t−τ) / (1 + x(t−τ)^10) − γ x(t),  β = 0.2, γ = 0.1, τ = 17 (chaotic).
// Integrated with classical RK4 at dt = 0.1 (the delayed value at half steps linearly interpolated),
// sampled every 1 time unit after a burn-in of 500. The history on [−τ, 0] is a constant drawn from
// U[0.5, 1.5] by (seed, split), so train and validation follow different trajectories on the
// attractor. Each split is one series of size + T samples; window i is x = s[i, i+T), y = s[i+T]
// (stride 1). Values are the raw x(t), roughly within [0.4, 1.4].
export const MACKEY_GLASS = { beta: 0.2, gamma: 0.1, exponent: 10, tau: 17, dt: 0.1, sampleEvery: 1, burnIn: 500 } as const;

export function mackeyGlassSeries(rng: Rng, count: number): Float32Array {
  return runSteps(mackeyGlassSteps(rng, count));
}

function* mackeyGlassSteps(rng: Rng, count: number): Steps<Float32Array> {
  const { beta, gamma, exponent, tau, dt, sampleEvery, burnIn } = MACKEY_GLASS;
  const lag = Math.round(tau / dt), sub = Math.round(sampleEvery / dt), skip = Math.round(burnIn / dt);
  const steps = skip + count * sub;
  const x = new Float64Array(lag + 1 + steps);
  x.fill(0.5 + rng(), 0, lag + 1);
  const f = (v: number, delayed: number) => (beta * delayed) / (1 + delayed ** exponent) - gamma * v;
  for (let j = lag; j < lag + steps; j++) {
    const d0 = x[j - lag], d1 = x[j - lag + 1], dh = (d0 + d1) / 2, v = x[j];
    const k1 = f(v, d0);
    const k2 = f(v + (dt / 2) * k1, dh);
    const k3 = f(v + (dt / 2) * k2, dh);
    const k4 = f(v + dt * k3, d1);
    x[j + 1] = v + (dt / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
    if (j % ELEMENTS_PER_STEP === 0) yield;
  }
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = x[lag + skip + (i + 1) * sub];
  return out;
}

function* mackeyGlass({ T, rngOf, size, reference }: Context): Steps<DenseGenerator> {
  const series: Record<Split, Float32Array> = {
    train: yield* mackeyGlassSteps(rngOf('train', 0), size.train + T),
    validation: yield* mackeyGlassSteps(rngOf('validation', 0), size.validation + T),
  };
  const ref = series[reference];
  let sq = 0;
  for (let i = 0; i < size[reference]; i++) sq += (ref[i + T] - ref[i + T - 1]) ** 2;
  return {
    title: 'Mackey-Glass τ=17', source: 'Mackey & Glass 1977',
    input: 'dense', inputSize: 1, outputSize: 1, head: 'last', loss: 'mse', steps: T,
    outputNames: ['next'],
    baseline: { value: sq / size[reference], metric: 'mse', label: 'persistence (repeat the last value)' },
    write(split, index, x, xo, y, yo) {
      const s = series[split];
      for (let t = 0; t < T; t++) x[xo + t] = s[index + t];
      y[yo] = s[index + T];
    },
  };
}
