// The optimizers (Keras semantics) and gradient helpers over one flat parameter vector, shared by
// seqlab.ts and seq2seq.ts. n is a multiple of 4 (the vectors are padded to whole f32x4).
import { at, splat } from './vecmath';

export function sumSquares(p: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  for (let i = 0; i < n; i += 4) {
    const g = v128.load(at(p, i));
    const lo = f64x2.promote_low_f32x4(g), hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(g, g, 2, 3, 0, 1));
    acc = f64x2.add(acc, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
  }
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}
export function scaleAll(p: usize, n: i32, s: f32): void {
  const s4 = splat(s);
  for (let i = 0; i < n; i += 4) v128.store(at(p, i), f32x4.mul(v128.load(at(p, i)), s4));
}
export function clipAll(p: usize, n: i32, c: f32): void {
  const hi = splat(c), lo = splat(-c);
  for (let i = 0; i < n; i += 4) v128.store(at(p, i), f32x4.pmin(f32x4.pmax(v128.load(at(p, i)), lo), hi));
}

// Adam: m = β1·m + (1−β1)·g,  v = β2·v + (1−β2)·g²,  p −= α·m / (√v + ε),  α = lr·√(1−β2^t) / (1−β1^t)
export function adamUpdate(params: usize, grads: usize, m0: usize, v0: usize, n: i32, step: i32, lr: f32, beta1: f32, beta2: f32, eps: f32): void {
  const t = <f64>step;
  const alpha = splat(<f32>(<f64>lr * Math.sqrt(1 - Math.pow(<f64>beta2, t)) / (1 - Math.pow(<f64>beta1, t))));
  const b1 = splat(beta1), b2 = splat(beta2), c1 = splat(1 - beta1), c2 = splat(1 - beta2), e = splat(eps);
  for (let i = 0; i < n; i += 4) {
    const g = v128.load(at(grads, i));
    const m = f32x4.add(f32x4.mul(b1, v128.load(at(m0, i))), f32x4.mul(c1, g));
    const v = f32x4.add(f32x4.mul(b2, v128.load(at(v0, i))), f32x4.mul(c2, f32x4.mul(g, g)));
    v128.store(at(m0, i), m); v128.store(at(v0, i), v);
    const stepv = f32x4.div(f32x4.mul(alpha, m), f32x4.add(f32x4.sqrt(v), e));
    v128.store(at(params, i), f32x4.sub(v128.load(at(params, i)), stepv));
  }
}
// RMSprop: v = ρ·v + (1−ρ)·g²,  p −= lr·g / √(v + ε)   (ε inside the root, as Keras 3 and tf.keras ≥ 2.11 do)
export function rmspropUpdate(params: usize, grads: usize, v0: usize, n: i32, lr: f32, rho: f32, eps: f32): void {
  const l4 = splat(lr), r4 = splat(rho), c4 = splat(1 - rho), e = splat(eps);
  for (let i = 0; i < n; i += 4) {
    const g = v128.load(at(grads, i));
    const v = f32x4.add(f32x4.mul(r4, v128.load(at(v0, i))), f32x4.mul(c4, f32x4.mul(g, g)));
    v128.store(at(v0, i), v);
    const stepv = f32x4.div(f32x4.mul(l4, g), f32x4.sqrt(f32x4.add(v, e)));
    v128.store(at(params, i), f32x4.sub(v128.load(at(params, i)), stepv));
  }
}
// SGD with momentum: velocity = momentum·velocity − lr·g,  p += velocity
export function sgdUpdate(params: usize, grads: usize, vel0: usize, n: i32, lr: f32, momentum: f32): void {
  const l4 = splat(lr), m4 = splat(momentum);
  for (let i = 0; i < n; i += 4) {
    const vel = f32x4.sub(f32x4.mul(m4, v128.load(at(vel0, i))), f32x4.mul(l4, v128.load(at(grads, i))));
    v128.store(at(vel0, i), vel);
    v128.store(at(params, i), f32x4.add(v128.load(at(params, i)), vel));
  }
}
