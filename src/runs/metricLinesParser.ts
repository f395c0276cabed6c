// Lines of metrics.jsonl straight into columns (src/shared/metricColumns.ts). Step lines as RunWriter writes
// them (JSON.stringify of a StepRecord: its keys in loop.ts's order) are read field by field from the bytes;
// every other line (eval, sample, a step written another way) goes through JSON.parse. Numbers are parsed
// by Number() on the field's text, so each value is the same double JSON.parse gives. The rules for a
// damaged file are readJsonLines' (jsonLines.ts): a torn last line is skipped, a bad line with good lines
// after it is an error naming the file and line. The parser can also say where in the file each step line
// lies, which is what the step file (metricsStepsFile.ts) records beside each step's values.

import { MetricColumnsBuilder, type MetricColumns } from '../shared/metricColumns';
import type { MetricRecord } from '../shared/metrics';

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const KEY = {
  head: bytes('{"kind":"step","step":'),
  epoch: bytes(',"epoch":'),
  time: bytes(',"time":'),
  loss: bytes(',"loss":'),
  gradNorm: bytes(',"gradNorm":'),
  clippedTrue: bytes(',"clipped":true'),
  clippedFalse: bytes(',"clipped":false'),
  learningRate: bytes(',"learningRate":'),
};
const NEWLINE = 10, COMMA = 44, CLOSE = 125, MINUS = 45, ZERO = 48, NINE = 57, CR = 13;

export interface MetricLinesOptions {
  /** The byte offset in the file of the first byte pushed (0: the file's start). */
  from?: number;
  /**
   * Called for each step record added, in order, with its line's offset in the file and its length in bytes
   * (up to the newline; `ended` false for a last line without one).
   */
  onStep?: (lineStart: number, lineBytes: number, ended: boolean) => void;
}

/** Lines of a metrics file as they arrive in pieces; a line may span pieces. */
export class MetricLinesParser {
  private readonly columns = new MetricColumnsBuilder(65536);
  private rest: Buffer = Buffer.alloc(0);
  /** The file offset of rest[0]. */
  private restAt: number;
  private lineNo = 0;
  /** An unparseable line; an error only if a non-blank line follows it. */
  private bad: number | undefined;
  // the line being read and the read position in it (fields are read in order)
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;

  constructor(
    private readonly file: string,
    private readonly options: MetricLinesOptions = {},
  ) {
    this.restAt = options.from ?? 0;
  }

  get size(): number {
    return this.columns.size;
  }

  /** Records held, by kind. */
  get counts(): { steps: number; evals: number; samples: number } {
    return this.columns.counts;
  }

  /** The number of a line that did not parse: the file's torn end if no other line follows, damage if one does. */
  get unparsedLine(): number | undefined {
    return this.bad;
  }

  take(): MetricColumns {
    return this.columns.take();
  }

  push(piece: Buffer): void {
    const buf = this.rest.length > 0 ? Buffer.concat([this.rest, piece]) : piece;
    const at = this.restAt;
    let start = 0;
    for (let nl = buf.indexOf(NEWLINE, start); nl >= 0; nl = buf.indexOf(NEWLINE, start)) {
      this.line(buf, start, nl, at + start, true);
      start = nl + 1;
    }
    this.rest = Buffer.from(buf.subarray(start));
    this.restAt = at + start;
  }

  end(): void {
    if (this.rest.length > 0) this.line(this.rest, 0, this.rest.length, this.restAt, false);
    this.restAt += this.rest.length;
    this.rest = Buffer.alloc(0);
  }

  private line(buf: Buffer, start: number, end: number, fileAt: number, ended: boolean): void {
    this.lineNo++;
    const lineBytes = end - start;
    if (end > start && buf[end - 1] === CR) end--;
    if (isBlank(buf, start, end)) return;
    if (this.bad !== undefined) {
      const where = this.options.from ? `${this.file}, line ${this.bad} after byte ${this.options.from}` : `${this.file}:${this.bad}`;
      throw new Error(`${where}: not valid JSON; the run folder is damaged.`);
    }
    if (this.stepLine(buf, start, end)) {
      this.options.onStep?.(fileAt, lineBytes, ended);
      return;
    }
    let kind: MetricRecord['kind'];
    try {
      const r = JSON.parse(buf.toString('utf8', start, end)) as MetricRecord;
      this.columns.add(r);
      kind = r.kind;
    } catch {
      this.bad = this.lineNo;
      return;
    }
    if (kind === 'step') this.options.onStep?.(fileAt, lineBytes, ended);
  }

  /** A step line exactly as RunWriter writes it, added to the columns; false (nothing added) for anything else. */
  private stepLine(buf: Buffer, start: number, end: number): boolean {
    this.buf = buf;
    this.pos = start;
    if (!this.key(KEY.head)) return false;
    const step = this.number();
    if (step === undefined || !this.key(KEY.epoch)) return false;
    const epoch = this.number();
    if (epoch === undefined || !this.key(KEY.time)) return false;
    const time = this.number();
    if (time === undefined || !this.key(KEY.loss)) return false;
    const loss = this.number();
    if (loss === undefined || !this.key(KEY.gradNorm)) return false;
    const gradNorm = this.number();
    if (gradNorm === undefined) return false;
    const clipped = this.key(KEY.clippedTrue) ? true : this.key(KEY.clippedFalse) ? false : undefined;
    if (clipped === undefined || !this.key(KEY.learningRate) || this.number() === undefined) return false;
    if (!(this.pos === end - 1 && buf[this.pos] === CLOSE)) return false;
    this.columns.addStep(step, epoch, time, loss, gradNorm, clipped);
    return true;
  }

  private key(k: Uint8Array): boolean {
    const { buf, pos } = this;
    for (let i = 0; i < k.length; i++) if (buf[pos + i] !== k[i]) return false;
    this.pos += k.length;
    return true;
  }

  /** A JSON number up to the next `,` or `}`; undefined when the field holds anything else (null, a string). */
  private number(): number | undefined {
    const { buf } = this;
    const from = this.pos;
    let i = from, whole = 0, integer = true;
    if (buf[i] === MINUS) i++;
    const first = buf[i];
    if (!(first >= ZERO && first <= NINE)) return undefined;
    for (;; i++) {
      const c = buf[i];
      if (c >= ZERO && c <= NINE) whole = whole * 10 + (c - ZERO);
      else if (c === COMMA || c === CLOSE) break;
      else if (c === 46 || c === 101 || c === 69 || c === 43 || c === MINUS) integer = false; // . e E + -
      else return undefined;
    }
    this.pos = i;
    // up to 15 digits an integer is exact in a double; anything else is parsed as JSON.parse would
    if (integer && i - from <= 15) return buf[from] === MINUS ? -whole : whole;
    const v = Number(buf.toString('latin1', from, i));
    return Number.isNaN(v) ? undefined : v;
  }
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c !== 32 && c !== 9 && c !== CR) return false;
  }
  return true;
}
