// What the Explore tab's line plots show (LSTMVis's main view): one state of one layer from the engine's
// states, the units picked by a ranking, the y range, the value of every plotted unit at a timestep, and
// the units the selected range makes a pattern of. Pure.

import type { StatesResult, UnitFeaturesResult } from '../../src/shared/explorerProtocol';
import { patternOf } from '../../src/shared/unitPattern';
import type { UnitChoice, UnitView } from './explorerSession';
import { orderByVariance } from './heatmap';

/** A state over time: `values[t * H + unit]`. */
export interface StatesMatrix {
  values: Float32Array;
  T: number;
  H: number;
}

/** The chosen layer's h or c; undefined when the model has no such layer or state (c of a GRU). */
export function statesOf(result: StatesResult, layer: number, state: 'h' | 'c'): StatesMatrix | undefined {
  const values = result.layers[layer]?.[state];
  return values ? { values, T: result.tokens.length, H: result.hiddenSize } : undefined;
}

export interface PlottedUnits {
  units: number[];
  /** Why these units, for the view's caption. */
  why: string;
  /** The units' |r| with the feature, when a feature chose them. */
  r?: Map<number, number>;
}

/** The units to plot for the view's choice; a feature ranking is read from `features` (of the same input). */
export function unitsToPlot(m: StatesMatrix, view: Pick<UnitView, 'choice' | 'k' | 'layer' | 'state'>, features?: UnitFeaturesResult): PlottedUnits {
  const { choice, k } = view;
  switch (choice.kind) {
    case 'variance':
      return { units: orderByVariance(m.values, m.T, m.H).slice(0, k), why: `the ${k} units of largest variance over the text` };
    case 'feature': {
      const ranking = features?.features.find((f) => f.feature === choice.feature);
      if (!ranking) return { units: [], why: `no ranking for ${choice.feature} yet: find the interpretable units first` };
      const mine = ranking.units.filter((u) => u.layer === view.layer && u.state === view.state).slice(0, k);
      const r = new Map(mine.map((u) => [u.unit, u.r]));
      const where = `layer ${view.layer} ${view.state}`;
      return mine.length > 0
        ? { units: mine.map((u) => u.unit), why: `the units of ${where} that correlate most with ${choice.feature}`, r }
        : { units: [], why: `no unit of ${where} is among the best for ${choice.feature}${ranking.constant ? ' (the feature does not vary in this text)' : ''}` };
    }
    case 'listed': {
      const units = choice.units.filter((u) => u < m.H);
      return { units, why: units.length > 0 ? `units ${units.join(', ')}` : `no unit below ${m.H} listed` };
    }
  }
}

/** Units typed as "3, 17 42": whole numbers in 0…H−1, in the order typed, each once; or why not. */
export function parseUnitList(text: string, H: number): { units: number[] } | { error: string } {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  if (parts.length === 0) return { error: `List units by number, 0…${H - 1}.` };
  const units: number[] = [];
  for (const p of parts) {
    const u = Number(p);
    if (!Number.isInteger(u) || u < 0 || u >= H) return { error: `${p} is not a unit: this layer has units 0…${H - 1}.` };
    if (!units.includes(u)) units.push(u);
  }
  return { units };
}

/** Share of the plotted values a range must hold: an LSTM's c can spike far past where it mostly lives. */
const RANGE_QUANTILE = 0.99;

/**
 * y range of the plot, symmetric around 0: −1…1 for what stays there (h of tanh cells), else the 99th
 * percentile of |v| over the plotted units; `clipped` when some value lies outside (drawn at the edge).
 */
export function valueRange(m: StatesMatrix, units: readonly number[]): { range: [number, number]; clipped: boolean } {
  const abs = new Float32Array(m.T * units.length);
  let k = 0;
  for (let t = 0; t < m.T; t++) for (const u of units) abs[k++] = Math.abs(m.values[t * m.H + u]);
  abs.sort();
  const max = abs.length > 0 ? abs[abs.length - 1] : 0;
  const big = Math.max(1, abs.length > 0 ? abs[Math.min(abs.length - 1, Math.floor(RANGE_QUANTILE * abs.length))] : 0);
  return { range: [-big, big], clipped: max > big };
}

/** The plotted units' values at timestep t, largest first. */
export function valuesAt(m: StatesMatrix, units: readonly number[], t: number): { unit: number; value: number }[] {
  return units.map((unit) => ({ unit, value: m.values[t * m.H + unit] })).sort((a, b) => b.value - a.value);
}

/** LSTMVis's pattern of the selected range: the units on (≥ threshold) at every selected timestep. */
export function selectionPattern(m: StatesMatrix, range: [number, number] | undefined, threshold: number): number[] {
  if (!range) return [];
  const [t0, t1] = range;
  if (t0 < 0 || t1 >= m.T || t0 > t1) return [];
  return patternOf(m.values, m.H, t0, t1, threshold, false).units;
}

/** The choice a feature's "show" makes: that unit alone, on its layer and state. */
export const showUnit = (unit: number): UnitChoice => ({ kind: 'listed', units: [unit] });
