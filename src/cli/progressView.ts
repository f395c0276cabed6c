// What `seqlab train` shows while it runs: what it is doing before the first step (loading the data,
// starting the backend, drawing the weights), a header with the model, its size estimate and the plan,
// then a progress bar on a terminal (steps/s, loss, ETA), a line every few seconds when the output is a
// pipe, or one JSON object per event with --json (`phase` events announce each phase).

import { SingleBar } from 'cli-progress';
import { formatLoss } from '../shared/format';
import type { EvalRecord, PlanSummary, SampleRecord } from '../shared/metrics';
import { pairSampleText } from './runReportLines';
import { endText, estimateText, PHASE_DOING, planText, verdictLines } from '../shared/runReport';
import type { TrainOutcome, TrainSink } from '../trainer/training';
import type { PhaseEvent } from '../trainer/training/phases';

const PLAIN_EVERY_MS = 2000;

/** A text model's sample as it reads; an encoder–decoder's with the source it was written for, the reference and the beam's. */
const sampleText = (r: SampleRecord): string => (r.reference !== undefined ? pairSampleText(r) : JSON.stringify(r.text.slice(0, 120)));
/** Initialisation says nothing when it is over within this time. */
const INIT_QUIET_MS = 1000;

export class ProgressView {
  private bar?: SingleBar;
  private totalSteps = 0;
  /** The run's plan, as `started` told it. */
  plan?: PlanSummary;
  private lastEval?: EvalRecord;
  private lastPlain = 0;
  /** The layer the last initialisation line named, and when initialisation started. */
  private initLayer?: number;
  private initStart?: number;

  constructor(private readonly plain: boolean) {}

  sink(json: boolean): TrainSink {
    const out = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');
    if (json) {
      return {
        started: (run, runDir) => {
          this.plan = run.plan;
          out({ type: 'started', run, runDir });
        },
        phase: (p) => out({ type: 'phase', ...p }),
        warning: (message) => out({ type: 'warning', message }),
        // as metrics.jsonl holds them, with the stream's `type` beside their `kind`
        metrics: (records) => records.forEach((r) => r.kind !== 'step' && out({ type: r.kind, ...r })),
        progress: (p) => p.step % 50 === 0 && out({ type: 'progress', ...p }),
        checkpoint: (step, file) => out({ type: 'checkpoint', step, file }),
      };
    }
    return {
      started: (run, runDir) => {
        this.totalSteps = run.totalSteps;
        this.plan = run.plan;
        process.stderr.write(`${run.name}: ${run.cell.toUpperCase()} · ${run.paramCount.toLocaleString('en')} parameters · ${run.device}\n`);
        if (run.backendReason) process.stderr.write(`backend: ${run.backendReason}\n`);
        process.stderr.write(`data: ${run.dataSummary}\n`);
        if (run.plan) process.stderr.write(`plan: ${planText(run.plan)}\n`);
        if (run.estimate) process.stderr.write(`size: ${estimateText(run.estimate)}\n`);
        process.stderr.write(`run:  ${runDir}\n`);
      },
      phase: (p) => this.phase(p),
      warning: (message) => process.stderr.write(`warning: ${message}\n`),
      metrics: (records) => {
        for (const r of records) {
          if (r.kind === 'eval') this.lastEval = r;
          if (r.kind === 'sample' && this.plain) process.stderr.write(`sample (τ=${r.temperature}): ${sampleText(r)}\n`);
        }
      },
      progress: (p) => {
        const val = this.lastEval ? evalText(this.lastEval) : '-';
        if (this.bar) {
          this.bar.update(p.step, { sps: p.stepsPerSecond.toFixed(1), loss: formatLoss(p.loss), val });
        } else if (Date.now() - this.lastPlain > PLAIN_EVERY_MS || p.step === p.totalSteps) {
          this.lastPlain = Date.now();
          process.stderr.write(`step ${p.step}/${p.totalSteps}  ${p.stepsPerSecond.toFixed(1)} steps/s  loss ${formatLoss(p.loss)}  val ${val}\n`);
        }
      },
    };
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  private phase(p: PhaseEvent): void {
    switch (p.phase) {
      case 'data':
        process.stderr.write(`loading data: ${p.what}…\n`);
        return;
      case 'backend':
        process.stderr.write(`starting the backend: ${p.what}…\n`);
        return;
      case 'init': {
        // once it takes a while: a line per layer, and every few seconds within a long one
        this.initStart ??= Date.now();
        if (Date.now() - this.initStart < INIT_QUIET_MS) return;
        if (p.layer === this.initLayer && Date.now() - this.lastPlain < PLAIN_EVERY_MS && p.done < p.total) return;
        this.initLayer = p.layer;
        this.lastPlain = Date.now();
        const where = p.layer !== undefined ? `layer ${p.layer + 1} of ${p.layers}` : p.done < p.total ? 'embedding and head' : 'done';
        process.stderr.write(`initialising weights: ${where} (${Math.floor((100 * p.done) / p.total)} %)\n`);
        return;
      }
      case 'training':
        if (this.plain) return;
        this.bar = new SingleBar({
          format: ' {bar} {percentage}% | step {value}/{total} | {sps} steps/s | loss {loss} | val {val} | ETA {eta_formatted}',
          hideCursor: true,
          barsize: 24,
          etaBuffer: 50,
        });
        this.bar.start(this.totalSteps, p.step, { sps: '-', loss: '-', val: '-' });
        return;
      case 'checkpoint':
        return;
    }
  }
}

function evalText(e: EvalRecord): string {
  let s = formatLoss(e.loss);
  if (e.accuracy !== undefined) s += ` acc ${(100 * e.accuracy).toFixed(1)}%`;
  if (e.solved !== undefined) s += ` solved ${(100 * e.solved).toFixed(1)}%`;
  if (e.rmse !== undefined) s += ` rmse ${e.rmse.toPrecision(4)}`;
  return s;
}

/** The last lines of `seqlab train`: how the run ended, what it reached, and where it is. */
export function outcomeText(outcome: TrainOutcome, plan?: PlanSummary): string {
  if (outcome.kind === 'cancelled') {
    return `Cancelled while ${PHASE_DOING[outcome.phase]}${outcome.phase === 'data' || outcome.phase === 'backend' ? '' : ` at step ${outcome.step}`}: ${outcome.kept}.\n` +
      (outcome.runDir ? `Run folder: ${outcome.runDir}\n` : '');
  }
  const best = outcome.bestValidationLoss !== undefined ? `, best validation loss ${formatLoss(outcome.bestValidationLoss)}` : '';
  return `Finished ${outcome.step} steps in ${outcome.seconds.toFixed(1)} s${best}; ${endText(outcome.end, plan)}.\n` +
    verdictLines(outcome.verdict).map((l) => `Verdict: ${l}.\n`).join('') +
    `Run folder: ${outcome.runDir}\n`;
}
