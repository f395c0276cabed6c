// JSON-lines files as a killed writer leaves them: a torn (unparseable) last line is skipped, since the
// writer appends whole lines and only the last can be cut short; a bad line with good lines after it means
// the file was damaged otherwise, and is an error naming the file and line. An inventory of a damaged run
// (runContents.ts) reads leniently instead: every good line, and the numbers of the bad ones.

import * as fs from 'node:fs';

/** Parses JSON lines from pieces of text that arrive one by one; a line may span pieces. */
export class JsonLinesParser<T> {
  private readonly out: T[] = [];
  private rest = '';
  private lineNo = 0;
  /** The line number of an unparseable line; an error only if a non-blank line follows it. */
  private bad: number | undefined;
  /** Lenient: the numbers of every unparseable line (the torn last one included). */
  readonly badLines: number[] = [];

  constructor(
    private readonly file: string,
    private readonly lenient = false,
  ) {}

  push(piece: string): void {
    const text = this.rest + piece;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      this.line(text.slice(start, nl));
      start = nl + 1;
    }
    this.rest = text.slice(start);
  }

  end(): T[] {
    this.line(this.rest);
    this.rest = '';
    return this.out;
  }

  private line(line: string): void {
    this.lineNo++;
    if (line.trim() === '') return;
    if (this.bad !== undefined && !this.lenient) throw new Error(`${this.file}:${this.bad}: not valid JSON; the run folder is damaged.`);
    try {
      this.out.push(JSON.parse(line) as T);
    } catch {
      this.bad = this.lineNo;
      this.badLines.push(this.lineNo);
    }
  }
}

/** JSON lines already in memory. */
export function parseJsonLines<T>(text: string, file: string): T[] {
  const parser = new JsonLinesParser<T>(file);
  parser.push(text);
  return parser.end();
}

/**
 * A JSON-lines file read as a stream, 64 KB at a time, so a 10 MB metrics.jsonl never holds the event
 * loop (the extension host's) for more than one chunk; [] when the file does not exist.
 */
export async function readJsonLines<T>(file: string): Promise<T[]> {
  return (await readLines<T>(file, false)).records;
}

/** Every parseable line of a JSON-lines file and the numbers of the others, wherever they are; none when it does not exist. */
export function readJsonLinesLeniently<T>(file: string): Promise<{ records: T[]; badLines: number[] }> {
  return readLines<T>(file, true);
}

async function readLines<T>(file: string, lenient: boolean): Promise<{ records: T[]; badLines: number[] }> {
  const parser = new JsonLinesParser<T>(file, lenient);
  const stream = fs.createReadStream(file, { encoding: 'utf8' });
  try {
    for await (const chunk of stream) parser.push(chunk as string);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], badLines: [] };
    throw e;
  } finally {
    stream.destroy();
  }
  return { records: parser.end(), badLines: parser.badLines };
}
