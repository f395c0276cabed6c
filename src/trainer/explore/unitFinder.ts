// The interpretable-unit finder: Pearson's r of every unit (each layer's h, and c for an LSTM) with every
// feature over the timesteps where the feature is defined, and the best units per feature by |r|.
// Sums run in float64. A feature or unit that does not vary gives r = 0, never NaN: a constant feature
// is flagged and ranks no unit.

import type { FeatureRanking, UnitCorrelation, UnitRef } from '../../shared/explorerProtocol';
import type { Feature } from './features';

/** One layer's h or c, [T, H]. */
export interface UnitMatrix {
  layer: number;
  state: UnitRef['state'];
  data: Float32Array;
  hiddenSize: number;
}

export interface RankOptions {
  /** Units kept per feature. */
  top: number;
  /** Units with |r| below this are left out. */
  minAbsR: number;
}

/** Below this variance (per position, in the values' units squared) a series counts as constant. */
const CONSTANT_VARIANCE = 1e-12;

/** r of each of the H units of `data` [T, H] with `feature` [T] (NaN positions skipped); 0 for constant series. */
export function correlateUnits(data: Float32Array, hiddenSize: number, feature: Float32Array): Float64Array {
  const H = hiddenSize, T = feature.length;
  if (data.length !== T * H) throw new RangeError(`unit matrix holds ${data.length} values, expected ${T} × ${H}`);
  let n = 0, sf = 0;
  for (let t = 0; t < T; t++) if (!Number.isNaN(feature[t])) { n++; sf += feature[t]; }
  const r = new Float64Array(H);
  if (n < 2) return r;
  const meanF = sf / n;
  let sff = 0;
  const su = new Float64Array(H), suu = new Float64Array(H), suf = new Float64Array(H);
  for (let t = 0; t < T; t++) {
    const f = feature[t] - meanF;
    if (Number.isNaN(f)) continue;
    sff += f * f;
    const row = t * H;
    for (let u = 0; u < H; u++) {
      const x = data[row + u];
      su[u] += x;
      suu[u] += x * x;
      suf[u] += x * f;
    }
  }
  if (sff / n < CONSTANT_VARIANCE) return r;
  for (let u = 0; u < H; u++) {
    // Σ(f − f̄) = 0, so Σ(x − x̄)(f − f̄) = Σ x (f − f̄)
    const sxx = suu[u] - (su[u] * su[u]) / n;
    if (!(sxx / n >= CONSTANT_VARIANCE)) continue;
    r[u] = Math.max(-1, Math.min(1, suf[u] / Math.sqrt(sxx * sff)));
  }
  return r;
}

export function rankUnits(matrices: readonly UnitMatrix[], features: readonly Feature[], opts: RankOptions): FeatureRanking[] {
  return features.map((feature) => {
    const positions = feature.values.reduce((n, v) => (Number.isNaN(v) ? n : n + 1), 0);
    const constant = positions < 2 || isConstant(feature.values);
    const units: UnitCorrelation[] = [];
    if (!constant) {
      for (const m of matrices) {
        correlateUnits(m.data, m.hiddenSize, feature.values).forEach((r, unit) => {
          if (r !== 0 && Math.abs(r) >= opts.minAbsR) units.push({ layer: m.layer, state: m.state, unit, r });
        });
      }
      units.sort((a, b) => Math.abs(b.r) - Math.abs(a.r));
    }
    return { feature: feature.name, description: feature.description, positions, constant, units: units.slice(0, opts.top) };
  });
}

function isConstant(values: Float32Array): boolean {
  let first = NaN;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (Number.isNaN(first)) first = v;
    else if (v !== first) return false;
  }
  return true;
}
