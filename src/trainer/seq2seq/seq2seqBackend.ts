// The encoder–decoder as the training loop and the session see a model (TrainableModel<PairBatch>), with
// what its evaluation and diagnostics need beside: teacher-forced evaluation, the probe's traces, and
// decoders. On our wasm kernels only (Seq2seqTrainer, with the config's threads): the tfjs backend has no
// encoder–decoder, and chooseSeq2seqBackend says so.

import type { BackendKind } from '../../shared/config';
import type { Seq2seqSpec } from '../../shared/seq2seqSpec';
import type { OptimizerSettings, OptimizerState, StepResult, TrainableModel } from '../backends/backend';
import type { PairBatch } from '../data';
import type { Seq2seqDecoder } from './seq2seqDecoder';
import type { Seq2seqDiagnosis } from './seq2seqModel';
import { type Seq2seqEval, Seq2seqTrainer } from './seq2seqTrainer';

export interface Seq2seqBackend extends TrainableModel<PairBatch> {
  readonly spec: Seq2seqSpec;
  /** Teacher-forced loss (mean over real target tokens), token counts and argmax [B, T] of a batch. */
  evaluate(batch: PairBatch): Seq2seqEval;
  /** Attention, states and ‖∂L/∂h‖ of every encoder position and decoder step of a (probe) batch. */
  diagnose(batch: PairBatch): Seq2seqDiagnosis;
  /** A decoder for `rows` hypotheses over sources of `sourceLength`, holding the current parameters; the backend owns it. */
  decoder(rows: number, sourceLength: number): Seq2seqDecoder;
}

/** Which backend trains an encoder–decoder: the kernels, whatever 'auto' would weigh; tfjs is refused. */
export function chooseSeq2seqBackend(requested: BackendKind): { kind: 'wasm'; reason: string } | { kind: 'refused'; message: string } {
  switch (requested) {
    case 'wasm':
      return { kind: 'wasm', reason: 'backend "wasm" asked for' };
    case 'auto':
      return { kind: 'wasm', reason: 'auto: wasm kernels (the encoder–decoder has no tfjs model)' };
    case 'tfjs':
      return { kind: 'refused', message: 'The encoder–decoder (model.kind "seq2seq") trains on the wasm kernels only; the tfjs backend has no seq2seq model. Use "backend": "wasm" (or "auto", which picks it), or --backend wasm.' };
  }
}

export class WasmSeq2seqBackend implements Seq2seqBackend {
  readonly name = 'wasm';
  private readonly decoders = new Map<string, Seq2seqDecoder>();

  private constructor(readonly spec: Seq2seqSpec, private readonly trainer: Seq2seqTrainer) {}

  static async create(opts: { spec: Seq2seqSpec; batch: number; sourceLength: number; targetLength: number; threads: number; dropout?: number }): Promise<WasmSeq2seqBackend> {
    return new WasmSeq2seqBackend(opts.spec, await Seq2seqTrainer.create(opts));
  }

  get device(): string { return this.trainer.device; }
  get paramCount(): number { return this.trainer.paramCount; }
  getParams(): Float32Array { return this.trainer.getParams(); }
  setParams(p: Float32Array): void { this.trainer.setParams(p); }
  getOptimizerState(): OptimizerState { return this.trainer.getOptimizerState(); }
  setOptimizerState(s: OptimizerState): void { this.trainer.setOptimizerState(s); }

  /** `seed`: the loop's per-step seed, which draws the dropout masks (model.dropout). */
  trainStep(batch: PairBatch, opt: OptimizerSettings, seed: number): Promise<StepResult> {
    return this.trainer.trainStep(batch.source, batch.target, opt, seed);
  }

  evaluate(batch: PairBatch): Seq2seqEval {
    return this.trainer.evaluate(batch.source, batch.target, batch.size);
  }

  diagnose(batch: PairBatch): Seq2seqDiagnosis {
    return this.trainer.diagnose(batch.source, batch.target, batch.size);
  }

  decoder(rows: number, sourceLength: number): Seq2seqDecoder {
    const key = `${rows}x${sourceLength}`;
    let d = this.decoders.get(key);
    if (!d) {
      d = this.trainer.decoder(rows, sourceLength);
      this.decoders.set(key, d);
    } else {
      d.params().set(this.trainer.getParams());
    }
    return d;
  }

  async dispose(): Promise<void> {
    for (const d of this.decoders.values()) d.dispose();
    this.decoders.clear();
    await this.trainer.dispose();
  }
}
