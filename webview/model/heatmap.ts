// Heatmap pixels without the DOM: rows × columns of values to RGBA through a colour scale, and the unit
// orders the hidden-state view offers.
import { type ColorScale, NO_VALUE, scaleIndex, scaleTable } from './colorScales';

/** Values [T, H] (row-major, timestep-major as the snapshots store them) drawn with units as rows and timesteps as columns. */
export function unitsByTimeRgba(data: ArrayLike<number>, T: number, H: number, order: ArrayLike<number>, scale: ColorScale, out?: Uint8ClampedArray): Uint8ClampedArray {
  const rows = order.length;
  const table = scaleTable(scale);
  const px = out && out.length === rows * T * 4 ? out : new Uint8ClampedArray(rows * T * 4);
  // a linear scale inlined (scaleIndex's very formula, so pixels and legend agree to the bit); log through scaleIndex
  const linear = scale.kind !== 'log' && scale.hi > scale.lo;
  const { lo } = scale;
  const span = scale.hi - scale.lo;
  for (let r = 0; r < rows; r++) {
    const u = order[r];
    let o = r * T * 4;
    for (let t = 0; t < T; t++, o += 4) {
      const v = data[t * H + u];
      let k: number;
      if (!linear) k = scaleIndex(scale, v);
      else if (!Number.isFinite(v)) k = -1;
      else k = Math.max(0, Math.min(255, Math.round(((v - lo) / span) * 255)));
      if (k < 0) {
        px.set(NO_VALUE, o);
      } else {
        px[o] = table[k * 3];
        px[o + 1] = table[k * 3 + 1];
        px[o + 2] = table[k * 3 + 2];
      }
      px[o + 3] = 255;
    }
  }
  return px;
}

/** Unit indices sorted by variance over time, largest first. */
export function orderByVariance(data: ArrayLike<number>, T: number, H: number): number[] {
  const v = new Float64Array(H);
  for (let u = 0; u < H; u++) {
    let m = 0;
    let m2 = 0;
    for (let t = 0; t < T; t++) {
      const x = data[t * H + u];
      const d = x - m;
      m += d / (t + 1);
      m2 += d * (x - m);
    }
    v[u] = T > 0 ? m2 / T : 0;
  }
  return Array.from({ length: H }, (_, u) => u).sort((a, b) => v[b] - v[a] || a - b);
}

/** Unit indices sorted by activation at timestep t (0 ≤ t < T, checked by the caller), largest first. */
export function orderByActivation(data: ArrayLike<number>, T: number, H: number, t: number): number[] {
  if (!(Number.isInteger(t) && t >= 0 && t < T)) throw new RangeError(`timestep ${t} is outside 0…${T - 1}`);
  return Array.from({ length: H }, (_, u) => u).sort((a, b) => data[t * H + b] - data[t * H + a] || a - b);
}

/** Columns [off, off+H) of a [T, G*H] gates array as a [T, H] array (gate g of G). */
export function gateSlice(data: Float32Array, T: number, H: number, G: number, g: number): Float32Array {
  const out = new Float32Array(T * H);
  for (let t = 0; t < T; t++) out.set(data.subarray(t * G * H + g * H, t * G * H + (g + 1) * H), t * H);
  return out;
}

/** [S, T] values laid out as [T, S], so that unitsByTimeRgba draws rows = S, columns = T. */
export function transpose(values: ArrayLike<number>, S: number, T: number): Float64Array {
  const out = new Float64Array(S * T);
  for (let s = 0; s < S; s++) for (let t = 0; t < T; t++) out[t * S + s] = values[s * T + t];
  return out;
}
