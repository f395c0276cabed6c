// Loader for the encoder–decoder TensorFlow fixtures in test/fixtures/tf-reference/seq2seq/*.json
// (written by scripts/fixtures/make_tf_seq2seq_fixtures.py through `npm run fixtures:tf`; Python is needed only to
// regenerate them). Each holds a tiny spec, its parameters by name (short decimals: a Float32Array holds
// exactly what TensorFlow used), a padded batch, and TensorFlow's float64 loss, gradients, per-position
// ‖∂L/∂h‖, attention weights and hidden states, all by source position and batch-major.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { directionsOf, seq2seqLayout, seq2seqParamCount, type Seq2seqSpec } from '../../src/shared/seq2seqSpec';

export interface Seq2seqTfFixture {
  case: string;
  spec: Seq2seqSpec;
  batch: number;
  sourceLength: number;
  targetLength: number;
  params: Record<string, number[]>;
  source: number[];
  target: number[];
  loss: number;
  grads: Record<string, number[]>;
  /** [layer][dir][source position] */
  encDhNorm: number[][][];
  /** [layer][t] */
  decDhNorm: number[][];
  /** LSTM encoder / decoder only: ‖∂L/∂c‖ as encDhNorm / decDhNorm. */
  encDcNorm?: number[][][];
  decDcNorm?: number[][];
  /** [B, T, S]; empty without attention. */
  attention: number[];
  /** [layer][dir] [B, S, He]; [layer] [B, T, Hd]. */
  encHidden: number[][][];
  decHidden: number[][];
}

function fixtureDir(): string {
  const here = typeof __dirname !== 'undefined' ? __dirname : dirname(fileURLToPath(import.meta.url));
  return join(here, '..', 'fixtures', 'tf-reference', 'seq2seq');
}

export function loadSeq2seqTfFixtures(): Seq2seqTfFixture[] {
  const dir = fixtureDir();
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new Error(`no seq2seq TF fixtures in ${dir} (run \`npm run fixtures:tf\`)`);
  return files.map((f) => {
    const fx = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Seq2seqTfFixture;
    checkShapes(fx, f);
    return fx;
  });
}

function checkShapes(f: Seq2seqTfFixture, file: string): void {
  const { spec, batch: B, sourceLength: S, targetLength: T } = f;
  const fail = (msg: string): never => { throw new Error(`seq2seq TF fixture ${file} (${f.case}): ${msg}`); };
  if (f.source.length !== B * S) fail(`source has ${f.source.length} ids, expected ${B * S}`);
  if (f.target.length !== B * T) fail(`target has ${f.target.length} ids, expected ${B * T}`);
  const L = spec.encoder.layers, dirs = directionsOf(spec);
  if (f.encDhNorm.length !== L || f.encDhNorm.some((d) => d.length !== dirs || d.some((v) => v.length !== S))) fail('encDhNorm is not [layer][dir][S]');
  if (f.decDhNorm.length !== L || f.decDhNorm.some((v) => v.length !== T)) fail('decDhNorm is not [layer][T]');
  if ((spec.encoder.cell === 'lstm') !== (f.encDcNorm !== undefined)) fail('encDcNorm is there exactly when the encoder is an LSTM');
  if ((spec.decoder.cell === 'lstm') !== (f.decDcNorm !== undefined)) fail('decDcNorm is there exactly when the decoder is an LSTM');
  if (f.encDcNorm && (f.encDcNorm.length !== L || f.encDcNorm.some((d) => d.length !== dirs || d.some((v) => v.length !== S)))) fail('encDcNorm is not [layer][dir][S]');
  if (f.decDcNorm && (f.decDcNorm.length !== L || f.decDcNorm.some((v) => v.length !== T))) fail('decDcNorm is not [layer][T]');
  if (f.attention.length !== (spec.attention === 'none' ? 0 : B * T * S)) fail(`attention has ${f.attention.length} values`);
  if (f.encHidden.some((d) => d.some((h) => h.length !== B * S * spec.encoder.hiddenSize))) fail('encHidden is not [layer][dir][B·S·He]');
  if (f.decHidden.some((h) => h.length !== B * T * spec.decoder.hiddenSize)) fail('decHidden is not [layer][B·T·Hd]');
}

function flatten(f: Seq2seqTfFixture, byName: Record<string, number[]>, what: string, out: Float32Array | Float64Array): void {
  const layout = seq2seqLayout(f.spec);
  const known = new Set(layout.map((p) => p.name));
  for (const name of Object.keys(byName)) if (!known.has(name)) throw new Error(`seq2seq TF fixture ${f.case}: unexpected ${what} '${name}'`);
  for (const p of layout) {
    const v = byName[p.name];
    if (!v) throw new Error(`seq2seq TF fixture ${f.case}: missing ${what} '${p.name}'`);
    if (v.length !== p.size) throw new Error(`seq2seq TF fixture ${f.case}: ${what} '${p.name}' has ${v.length} values, shape [${p.shape}] needs ${p.size}`);
    out.set(v, p.offset);
  }
}

export function seq2seqFixtureParams(f: Seq2seqTfFixture): Float32Array {
  const out = new Float32Array(seq2seqParamCount(f.spec));
  flatten(f, f.params, 'param', out);
  return out;
}

export function seq2seqFixtureGrads(f: Seq2seqTfFixture): Float64Array {
  const out = new Float64Array(seq2seqParamCount(f.spec));
  flatten(f, f.grads, 'grad', out);
  return out;
}

/** What a computation of the model offers for comparison, in the fixture's layout. */
export interface Seq2seqOutcome {
  loss: number;
  grads: ArrayLike<number>;
  encDhNorm: ArrayLike<number>[][];
  decDhNorm: ArrayLike<number>[];
  /** LSTM only (absent or empty otherwise). */
  encDcNorm?: ArrayLike<number>[][] | null;
  decDcNorm?: ArrayLike<number>[] | null;
  attention: ArrayLike<number>;
  encHidden: ArrayLike<number>[][];
  decHidden: ArrayLike<number>[];
}

/** max |a − b| / max |b|: relative to the tensor's scale, so near-zero entries do not dominate. */
export function scaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let d = 0, s = 0;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(b[i])); }
  return s === 0 ? d : d / s;
}

/**
 * Every quantity of `got` against the fixture; `check(what, err, group)` asserts err below the caller's
 * tolerance and remembers the worst per group (the quantity, by cell).
 */
export function compareWithFixture(f: Seq2seqTfFixture, got: Seq2seqOutcome, check: (what: string, err: number, group: string) => void): void {
  const cell = f.spec.encoder.cell === f.spec.decoder.cell ? f.spec.encoder.cell : 'mixed';
  check('loss', Math.abs(got.loss - f.loss) / Math.abs(f.loss), `loss (${cell})`);
  const ref = seq2seqFixtureGrads(f);
  for (const p of seq2seqLayout(f.spec)) {
    const e = scaledError(Array.prototype.slice.call(got.grads, p.offset, p.offset + p.size), ref.subarray(p.offset, p.offset + p.size));
    check(`gradient of ${p.name}`, e, `gradients (${cell})`);
  }
  f.encDhNorm.forEach((perDir, l) => perDir.forEach((v, d) => check(`encoder ‖∂L/∂h‖ layer ${l} dir ${d}`, scaledError(got.encDhNorm[l][d], v), `encoder ‖∂L/∂h_t‖ (${cell})`)));
  f.decDhNorm.forEach((v, l) => check(`decoder ‖∂L/∂h_t‖ layer ${l}`, scaledError(got.decDhNorm[l], v), `decoder ‖∂L/∂h_t‖ (${cell})`));
  const missing = (what: string): never => { throw new Error(`${f.case}: the fixture has ${what} and the computation does not`); };
  f.encDcNorm?.forEach((perDir, l) => perDir.forEach((v, d) =>
    check(`encoder ‖∂L/∂c‖ layer ${l} dir ${d}`, scaledError((got.encDcNorm?.[l] ?? missing('encDcNorm'))[d], v), 'encoder ‖∂L/∂c_t‖ (lstm)')));
  f.decDcNorm?.forEach((v, l) => check(`decoder ‖∂L/∂c_t‖ layer ${l}`, scaledError(got.decDcNorm?.[l] ?? missing('decDcNorm'), v), 'decoder ‖∂L/∂c_t‖ (lstm)'));
  if (f.spec.attention !== 'none') check('attention weights', scaledError(got.attention, f.attention), `attention (${f.spec.attention})`);
  f.encHidden.forEach((perDir, l) => perDir.forEach((h, d) => check(`encoder h layer ${l} dir ${d}`, scaledError(got.encHidden[l][d], h), `hidden states (${cell})`)));
  f.decHidden.forEach((h, l) => check(`decoder h layer ${l}`, scaledError(got.decHidden[l], h), `hidden states (${cell})`));
}
