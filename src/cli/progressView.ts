// What `seqlab train` shows while it runs: a progress bar on a terminal (steps/s, loss, ETA),
// a line every few seconds when the output is a pipe, or one JSON object per event with --json.

import { SingleBar } from 'cli-progress';
import type { EvalRecord } from '../shared/metrics';
import type { TrainSink } from '../trainer/training';

const PLAIN_EVERY_MS = 2000;

export class ProgressView {
  private bar?: SingleBar;
  private lastEval?: EvalRecord;
  private lastPlain = 0;

  constructor(private readonly plain: boolean) {}

  sink(json: boolean): TrainSink {
    const out = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');
    if (json) {
      return {
        started: (run, runDir) => out({ type: 'started', run, runDir }),
        metrics: (records) => records.forEach((r) => r.kind !== 'step' && out(r)),
        progress: (p) => p.step % 50 === 0 && out({ type: 'progress', ...p }),
        checkpoint: (step, file) => out({ type: 'checkpoint', step, file }),
      };
    }
    return {
      started: (run, runDir) => {
        process.stderr.write(`${run.name}: ${run.cell.toUpperCase()} · ${run.paramCount.toLocaleString('en')} parameters · ${run.device}\n`);
        if (run.backendReason) process.stderr.write(`backend: ${run.backendReason}\n`);
        process.stderr.write(`data: ${run.dataSummary}\nrun:  ${runDir}\n`);
        if (!this.plain) {
          this.bar = new SingleBar({
            format: ' {bar} {percentage}% | step {value}/{total} | {sps} steps/s | loss {loss} | val {val} | ETA {eta_formatted}',
            hideCursor: true,
            barsize: 24,
            etaBuffer: 50,
          });
          this.bar.start(run.totalSteps, 0, { sps: '-', loss: '-', val: '-' });
        }
      },
      metrics: (records) => {
        for (const r of records) {
          if (r.kind === 'eval') this.lastEval = r;
          if (r.kind === 'sample' && this.plain) process.stderr.write(`sample (τ=${r.temperature}): ${JSON.stringify(r.text.slice(0, 120))}\n`);
        }
      },
      progress: (p) => {
        const val = this.lastEval ? evalText(this.lastEval) : '-';
        if (this.bar) {
          this.bar.update(p.step, { sps: p.stepsPerSecond.toFixed(1), loss: p.loss.toFixed(4), val });
        } else if (Date.now() - this.lastPlain > PLAIN_EVERY_MS || p.step === p.totalSteps) {
          this.lastPlain = Date.now();
          process.stderr.write(`step ${p.step}/${p.totalSteps}  ${p.stepsPerSecond.toFixed(1)} steps/s  loss ${p.loss.toFixed(4)}  val ${val}\n`);
        }
      },
    };
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

function evalText(e: EvalRecord): string {
  let s = e.loss.toFixed(4);
  if (e.accuracy !== undefined) s += ` acc ${(100 * e.accuracy).toFixed(1)}%`;
  if (e.solved !== undefined) s += ` solved ${(100 * e.solved).toFixed(1)}%`;
  if (e.rmse !== undefined) s += ` rmse ${e.rmse.toPrecision(4)}`;
  return s;
}
