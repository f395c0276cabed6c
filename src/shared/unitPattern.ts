// LSTMVis's pattern (Strobelt et al. 2017): the units that are on (state ≥ threshold) at every step of a
// selected range of timesteps, and with `offBefore` off just before it ("turns on here and stays on").
// The engine matches it against the validation data (src/trainer/explore/match.ts); the dashboard shows
// it while the range is dragged. Pure.

export interface Pattern {
  units: number[];
  length: number;
}

/** The units of `states` [T, H] on at every step of [t0, t1] (and, with offBefore, off at t0 − 1 when t0 > 0). */
export function patternOf(states: ArrayLike<number>, hiddenSize: number, t0: number, t1: number, threshold: number, offBefore: boolean): Pattern {
  const H = hiddenSize, T = states.length / H;
  if (!(Number.isInteger(t0) && Number.isInteger(t1) && 0 <= t0 && t0 <= t1 && t1 < T)) {
    throw new RangeError(`the selected range ${t0}..${t1} is not inside the ${T} timesteps 0..${T - 1}`);
  }
  const units: number[] = [];
  for (let u = 0; u < H; u++) {
    let on = true;
    for (let t = t0; t <= t1 && on; t++) on = states[t * H + u] >= threshold;
    if (on && offBefore && t0 > 0 && states[(t0 - 1) * H + u] >= threshold) on = false;
    if (on) units.push(u);
  }
  return { units, length: t1 - t0 + 1 };
}
