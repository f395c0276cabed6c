// What `seqlab export` prints: the files written and the lines of a web page that use the model.

import * as path from 'node:path';
import type { ExportResult } from '../shared/modelExport';

export function printExport(r: ExportResult): void {
  const width = Math.max(...r.files.map((f) => path.basename(f.path).length));
  const lines = [
    `Exported run ${r.runId} (${r.weights} weights, step ${r.step}) as ${models(r)} to ${r.dir}`,
    ...r.files.map((f) => `  ${path.basename(f.path).padEnd(width)}  ${size(f.bytes).padStart(8)}  ${f.what}`),
    '',
    'In a web page served next to these files:',
    ...r.usage.split('\n').map((l) => `  ${l}`),
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

/** An encoder–decoder is two models (encoder.json, decoder.json), a single-stream model one (model.json). */
const models = (r: ExportResult): string => (r.files.filter((f) => f.path.endsWith('.json')).length > 1 ? 'TensorFlow.js LayersModels' : 'a TensorFlow.js LayersModel');

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
