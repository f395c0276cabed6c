// Text generation from a trained character/word model: feed the prime, then draw each next token from
// the softmax sharpened or flattened by the temperature (p_i^(1/τ), renormalised = softmax(logits/τ)).

import type { Stepper } from './backends/backend';
import type { Rng } from './rng';

export function drawToken(probs: Float32Array, temperature: number, rng: Rng, exclude = -1): number {
  if (temperature <= 0) {
    let best = exclude === 0 ? 1 : 0;
    for (let i = 0; i < probs.length; i++) if (i !== exclude && probs[i] > probs[best]) best = i;
    return best;
  }
  const inv = 1 / temperature;
  let sum = 0;
  const w = new Float64Array(probs.length);
  for (let i = 0; i < probs.length; i++) {
    w[i] = i === exclude ? 0 : Math.pow(Math.max(probs[i], 1e-30), inv);
    sum += w[i];
  }
  let u = rng.next() * sum;
  for (let i = 0; i < w.length; i++) {
    u -= w[i];
    if (u <= 0) return i;
  }
  return w.length - 1;
}

/** Token ids generated after `prime` (the prime itself not included); `exclude` (the <unk> id) is never drawn. */
export function sampleTokens(stepper: Stepper, prime: ArrayLike<number>, length: number, temperature: number, rng: Rng, exclude = -1): number[] {
  if (prime.length === 0) throw new Error('the prime must hold at least one known token');
  stepper.reset();
  let probs: Float32Array = new Float32Array(0);
  for (let i = 0; i < prime.length; i++) probs = stepper.step(prime[i]);
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const t = drawToken(probs, temperature, rng, exclude);
    out.push(t);
    probs = stepper.step(t);
  }
  return out;
}
