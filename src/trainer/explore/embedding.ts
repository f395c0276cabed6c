// Maps of a token embedding matrix E [V, dim]: PCA (the covariance's top two eigenvectors, exact: a cyclic
// Jacobi eigensolver on the dim × dim covariance, dim being an embedding size of tens to hundreds) and
// UMAP (umap-js, seeded: the same seed gives the same map); nearest tokens by cosine; finding a token by
// its text.

import { UMAP } from 'umap-js';
import { Rng } from '../rng';

export interface Projection {
  /** [V, 2] */
  points: Float32Array;
  /** PCA: fraction of the total variance along each axis. */
  explained?: [number, number];
}

/** Rows of E onto its first two principal axes. Each axis's sign is fixed: its largest-magnitude component is positive. */
export function pca2(E: Float32Array, V: number, dim: number): Projection {
  const mean = new Float64Array(dim);
  for (let v = 0; v < V; v++) for (let j = 0; j < dim; j++) mean[j] += E[v * dim + j] / V;
  const cov = new Float64Array(dim * dim);
  for (let v = 0; v < V; v++) {
    for (let i = 0; i < dim; i++) {
      const a = E[v * dim + i] - mean[i];
      for (let j = i; j < dim; j++) cov[i * dim + j] += (a * (E[v * dim + j] - mean[j])) / V;
    }
  }
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) cov[i * dim + j] = cov[j * dim + i];
  const { values, vectors } = symmetricEigen(cov, dim);
  const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]);
  const total = values.reduce((s, x) => s + Math.max(0, x), 0);
  const axes = order.slice(0, 2).map((k) => {
    const axis = Float64Array.from({ length: dim }, (_, i) => vectors[i * dim + k]);
    let big = 0;
    for (let i = 1; i < dim; i++) if (Math.abs(axis[i]) > Math.abs(axis[big])) big = i;
    if (axis[big] < 0) for (let i = 0; i < dim; i++) axis[i] = -axis[i];
    return axis;
  });
  const points = new Float32Array(V * 2);
  for (let v = 0; v < V; v++) {
    axes.forEach((axis, a) => {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (E[v * dim + j] - mean[j]) * axis[j];
      points[v * 2 + a] = s;
    });
  }
  const share = (k: number | undefined) => (k === undefined || total === 0 ? 0 : Math.max(0, values[k]) / total);
  return { points, explained: [share(order[0]), share(order[1])] };
}

/** Eigenvalues and eigenvectors (columns of `vectors`, row-major n × n) of a symmetric matrix, by cyclic Jacobi rotations. */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vectors[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, diagonal = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) diagonal += a[i * n + j] ** 2;
        else off += a[i * n + j] ** 2;
      }
    }
    if (off <= 1e-26 * diagonal || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = vectors[k * n + p], vkq = vectors[k * n + q];
          vectors[k * n + p] = c * vkp - s * vkq;
          vectors[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => a[i * n + i]), vectors };
}

export interface UmapOptions {
  seed: number;
  neighbours: number;
  signal?: AbortSignal;
}

/** UMAP of the rows of E with cosine distance, seeded. Needs at least 3 rows. */
export async function umap2(E: Float32Array, V: number, dim: number, opts: UmapOptions): Promise<Projection> {
  if (V < 3) throw new RangeError(`UMAP needs at least 3 tokens, the vocabulary has ${V}`);
  const rng = new Rng(opts.seed >>> 0);
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.max(2, Math.min(opts.neighbours, V - 1)), random: () => rng.next(), distanceFn: cosineDistance });
  const rows = Array.from({ length: V }, (_, v) => Array.from(E.subarray(v * dim, (v + 1) * dim)));
  // the callback returning false stops the optimisation: a cancelled request ends within an epoch
  const Y = await umap.fitAsync(rows, () => !opts.signal?.aborted);
  return { points: Float32Array.from(Y.flat()) };
}

function cosineDistance(x: number[], y: number[]): number {
  let xy = 0, xx = 0, yy = 0;
  for (let i = 0; i < x.length; i++) {
    xy += x[i] * y[i];
    xx += x[i] * x[i];
    yy += y[i] * y[i];
  }
  return xx === 0 || yy === 0 ? 1 : 1 - xy / Math.sqrt(xx * yy);
}

/** The k rows most similar to row `id` by cosine (itself excluded), most similar first. */
export function nearestByCosine(E: Float32Array, V: number, dim: number, id: number, k: number): { id: number; similarity: number }[] {
  const norm = (v: number) => Math.sqrt(E.subarray(v * dim, (v + 1) * dim).reduce((s, x) => s + x * x, 0));
  const q = E.subarray(id * dim, (id + 1) * dim), qn = norm(id);
  const out: { id: number; similarity: number }[] = [];
  for (let v = 0; v < V; v++) {
    if (v === id) continue;
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += q[j] * E[v * dim + j];
    const n = qn * norm(v);
    out.push({ id: v, similarity: n === 0 ? 0 : dot / n });
  }
  return out.sort((a, b) => b.similarity - a.similarity || a.id - b.id).slice(0, k);
}

/** Ids of the tokens that a search text names: the exact token, else the same letters in any case, else
 *  those containing it (any case), shortest first. */
export function searchTokens(tokens: readonly string[], query: string): number[] {
  const ids = (pred: (t: string) => boolean) => tokens.flatMap((t, id) => (pred(t) ? [id] : []));
  const exact = ids((t) => t === query);
  if (exact.length > 0) return exact;
  const q = query.toLowerCase();
  const caseless = ids((t) => t.toLowerCase() === q);
  if (caseless.length > 0) return caseless;
  return q === '' ? [] : ids((t) => t.toLowerCase().includes(q)).sort((a, b) => tokens[a].length - tokens[b].length || a - b);
}
