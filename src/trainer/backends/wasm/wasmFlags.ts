import * as v8 from 'node:v8';

/** Node 20 keeps relaxed SIMD (FMA) behind a flag; turning it on before the first wasm compile lets
 *  the loader choose the relaxed build. Worker threads share the process's V8 flags. */
export function enableRelaxedSimd(): void {
  if (process.env.SEQLAB_NO_RELAXED_SIMD) return;
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
}
