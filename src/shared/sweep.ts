// A config's `sweep`: the settings it varies (a list of values, or a range to draw from) and how the runs
// are chosen (every combination, or N seeded random draws). This module expands a sweep into its points,
// names each point by its values ("lr 0.003 · hidden 128"). Pure, and free of the JSONC parser, as the
// runs table's webview bundles it; the config text of one point is sweepPointConfig.ts, the checks of a
// sweep sweepChecks.ts, the setting lookup sweepSettings.ts.

export const SWEEP_METHODS = ['grid', 'random'] as const;
export type SweepMethod = (typeof SWEEP_METHODS)[number];

export const SWEEP_SCALES = ['linear', 'log'] as const;
export type SweepScale = (typeof SWEEP_SCALES)[number];

/** A value a sweep may give a setting: settings swept are single numbers, strings or booleans. */
export type SweepValue = number | string | boolean;

/** Draw uniformly between min and max (`log`: uniformly in log space); random sweeps only. */
export interface SweepRange {
  min: number;
  max: number;
  scale: SweepScale;
}

export type SweepParameter = SweepValue[] | SweepRange;

export interface SweepConfig {
  method: SweepMethod;
  /** Setting path (`training.learningRate`) → the values it takes. */
  parameters: Record<string, SweepParameter>;
  /** Runs a random sweep draws. */
  count?: number;
  /** Seed of a random sweep's draws. */
  seed: number;
}

/** One point of a sweep: each swept setting's value, in the order of `parameters`. */
export type SweepPoint = Record<string, SweepValue>;

/** What a run of a sweep records about it (meta.json's info.sweep). */
export interface SweepRunInfo {
  /** Shared by the runs started together from one sweep. */
  id: string;
  /** 0-based place of this run in the sweep, and how many runs it has. */
  index: number;
  count: number;
  values: SweepPoint;
  /** The values in words: "lr 0.003 · hidden 128". */
  label: string;
}

/** More runs than this in one sweep is an error (a typo such as a 1000-value list, not an experiment). */
export const MAX_SWEEP_RUNS = 1000;

export const isRange = (p: SweepParameter): p is SweepRange => !Array.isArray(p);

/** Runs a grid trains: the product of its list lengths. */
export function gridSize(parameters: Record<string, SweepParameter>): number {
  return Object.values(parameters).reduce((n, p) => n * (isRange(p) ? 1 : p.length), 1);
}

/** How many runs the sweep trains. */
export function sweepSize(sweep: SweepConfig): number {
  return sweep.method === 'grid' ? gridSize(sweep.parameters) : sweep.count ?? 0;
}

/**
 * The sweep's points. A grid varies the first parameter slowest; random draws `count` points, each value
 * uniform from its list or its range, from a stream seeded by `seed` (the same sweep draws the same runs).
 * Drawn numbers keep 4 significant digits, so configs and labels stay readable; `isInteger` says which
 * settings take whole numbers, whose draws are rounded.
 */
export function expandSweep(sweep: SweepConfig, isInteger: (path: string) => boolean = () => false): SweepPoint[] {
  const entries = Object.entries(sweep.parameters);
  if (sweep.method === 'grid') {
    let points: SweepPoint[] = [{}];
    for (const [path, p] of entries) {
      if (isRange(p)) throw new Error(`sweep.parameters["${path}"] is a range; a grid needs a list of values`);
      points = points.flatMap((point) => p.map((v) => ({ ...point, [path]: v })));
    }
    return points;
  }
  const next = uniformStream(sweep.seed);
  return Array.from({ length: sweep.count ?? 0 }, () =>
    Object.fromEntries(entries.map(([path, p]) => [path, isRange(p) ? drawFromRange(p, next(), isInteger(path)) : p[Math.min(p.length - 1, Math.floor(next() * p.length))]])),
  );
}

function drawFromRange(r: SweepRange, u: number, integer: boolean): number {
  const v = r.scale === 'log' ? Math.exp(Math.log(r.min) + u * (Math.log(r.max) - Math.log(r.min))) : r.min + u * (r.max - r.min);
  if (integer) return Math.min(Math.floor(r.max), Math.max(Math.ceil(r.min), Math.round(v)));
  return Number(v.toPrecision(4));
}

/**
 * Uniform floats in [0, 1) from a seed: splitmix32. Written here because src/shared imports nothing from the
 * trainer (whose Rng is the training's own stream); a sweep's draws need only be reproducible.
 */
function uniformStream(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 0x100000000;
  };
}

/** Short names of the settings people sweep most; any other goes by its last segment. */
const SHORT_NAMES: Record<string, string> = {
  'training.learningRate': 'lr',
  'training.minLearningRate': 'min lr',
  'training.batchSize': 'batch',
  'training.sequenceLength': 'seq',
  'training.optimizer': 'opt',
  'training.clipping.globalNorm': 'clip',
  'model.hiddenSize': 'hidden',
  'model.embeddingSize': 'emb',
  'model.recurrentSpectralRadius': 'radius',
};

/** A setting's name in a run label: `lr` for training.learningRate. */
export const shortSettingName = (path: string): string => SHORT_NAMES[path] ?? path.split('.').pop() ?? path;

/** The setting a short name stands for (`lr` → training.learningRate), for "did you mean". */
export const settingOfShortName = (name: string): string | undefined => Object.keys(SHORT_NAMES).find((path) => SHORT_NAMES[path] === name.toLowerCase());

/** A value as labels and tables show it: numbers to 3 significant digits (0.003, 1e-5), strings as they are. */
export function formatSweepValue(v: SweepValue): string {
  if (typeof v !== 'number') return String(v);
  if (v === 0 || !Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(3)));
}

/** "lr 0.003 · hidden 128"; a swept cell reads as the cell alone ("LSTM · lr 0.01"). */
export function sweepLabel(point: SweepPoint): string {
  return Object.entries(point)
    .map(([path, v]) => (path === 'model.cell' ? String(v).toUpperCase() : `${shortSettingName(path)} ${formatSweepValue(v)}`))
    .join(' · ');
}

/** A sweep's id: when it started and 4 hex digits (two sweeps started in the same second still differ). */
export function newSweepId(now = new Date(), random = Math.random): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `sweep-${stamp}-${Math.floor(random() * 0x10000).toString(16).padStart(4, '0')}`;
}

/** The sweep's runs as the trainer takes them: each point with its place, label and the sweep's id. */
export function sweepRuns(id: string, points: readonly SweepPoint[]): SweepRunInfo[] {
  return points.map((values, index) => ({ id, index, count: points.length, values, label: sweepLabel(values) }));
}

/** `training.learningRate` → ['training', 'learningRate']: setting paths have no list indexes. */
export const settingSegments = (path: string): string[] => path.split('.');
