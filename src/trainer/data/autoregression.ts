// A linear autoregressive forecast, AR(p): the value `horizon` steps after a window predicted from the
// window's last p values, ŷ = c + a_1·y_t + … + a_p·y_{t−p+1}, fitted by least squares on the training
// windows. This is the baseline an RNN claims to improve on by not needing its lags specified; with
// persistence (ŷ = y_t, AR(1) with a_1 = 1 and c = 0, unfitted) it is the forecasts' second reference.
//
// The order p (1 … min(lookback, MAX_ORDER)) is chosen by Akaike's criterion on the training fit,
// AIC(p) = N·ln(RSS_p / N) + 2(p + 1), not on the validation windows: the baseline then never sees the
// data it is scored on, like the final model it is compared with, and AIC is the textbook rule for an
// AR order (it errs towards larger p, the stronger baseline). Every p is fitted on the same windows
// (all lags lie inside each window), so their AICs compare. A horizon h > 1 is fitted directly (the
// regression targets y_{t+h}), not by iterating a one-step model.
//
// The fit solves the normal equations by Cholesky in float64 from one Gram matrix of the largest order;
// a training part of more than MAX_WINDOWS windows is thinned evenly (the baseline needs no more).

/** Largest AR order tried (the Gram matrix is (order + 1)², its Cholesky per order (order + 1)³). */
export const MAX_ORDER = 64;
/** Training windows the fit reads at most, evenly spread. */
export const MAX_WINDOWS = 20_000;

/** Windows of one series: the value k steps before the window's end (k = 0: its last value) and the target. */
export interface LagWindows {
  count: number;
  lag(window: number, k: number): number;
  target(window: number): number;
}

export interface ArFit {
  /** The order AIC chose. */
  p: number;
  /** [c, a_1, …, a_p]. */
  coefficients: Float64Array;
  /** AIC of orders 1 … maxOrder (index p − 1). */
  aic: number[];
  /** Windows fitted on. */
  windows: number;
}

/** Fits AR(1 … maxOrder) on `train` and keeps the order with the lowest AIC. */
export function fitAutoregression(train: LagWindows, maxOrder: number): ArFit {
  const P = Math.min(maxOrder, MAX_ORDER);
  const stride = Math.max(1, train.count / MAX_WINDOWS);
  const picked = Array.from({ length: Math.min(train.count, MAX_WINDOWS) }, (_, j) => Math.floor(j * stride));
  const N = picked.length;
  if (N <= P + 1) throw new RangeError(`AR(${P}) needs more than ${P + 1} training windows, got ${N}`);
  // Gram matrix of the regressors [1, y_t, …, y_{t−P+1}] and their products with the target
  const K = P + 1;
  const gram = new Float64Array(K * K), xty = new Float64Array(K), row = new Float64Array(K);
  let yty = 0;
  for (const i of picked) {
    row[0] = 1;
    for (let k = 0; k < P; k++) row[k + 1] = train.lag(i, k);
    const y = train.target(i);
    yty += y * y;
    for (let a = 0; a < K; a++) {
      xty[a] += row[a] * y;
      for (let b = 0; b <= a; b++) gram[a * K + b] += row[a] * row[b];
    }
  }
  let best: { p: number; coefficients: Float64Array } | undefined, bestAic = Infinity;
  const aic: number[] = [];
  for (let p = 1; p <= P; p++) {
    const beta = solveLeading(gram, xty, K, p + 1);
    // RSS = yᵀy − βᵀXᵀy at the least-squares solution
    let fitted = 0;
    for (let a = 0; a <= p; a++) fitted += beta[a] * xty[a];
    const rss = Math.max(yty - fitted, Number.MIN_VALUE);
    const score = N * Math.log(rss / N) + 2 * (p + 1);
    aic.push(score);
    if (score < bestAic) {
      bestAic = score;
      best = { p, coefficients: beta };
    }
  }
  return { ...best!, aic, windows: N };
}

/** The forecast of window `i`. */
export function arForecast(fit: ArFit, windows: LagWindows, i: number): number {
  let y = fit.coefficients[0];
  for (let k = 0; k < fit.p; k++) y += fit.coefficients[k + 1] * windows.lag(i, k);
  return y;
}

/** Solves G[:n, :n] β = r[:n] (G symmetric positive definite, lower triangle filled) by Cholesky. */
function solveLeading(gram: Float64Array, rhs: Float64Array, K: number, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = gram[i * K + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        // a constant series makes the lags collinear: a tiny ridge keeps the solve defined
        L[i * n + i] = Math.sqrt(Math.max(s, 1e-12 * Math.max(1, gram[i * K + i])));
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  }
  const z = new Float64Array(n), beta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = rhs[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * z[k];
    z[i] = s / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * beta[k];
    beta[i] = s / L[i * n + i];
  }
  return beta;
}
