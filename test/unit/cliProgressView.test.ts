// What `seqlab train` prints for the samples of an evaluation when its output is a pipe: a text model's
// sample as it reads, an encoder–decoder's with the source it was written for (as `seqlab show` does).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProgressView } from '../../src/cli/progressView';
import type { SampleRecord } from '../../src/shared/metrics';

function stderrOf(records: SampleRecord[]): string {
  const sink = new ProgressView(true).sink(false);
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as unknown as typeof process.stderr.write;
  try {
    sink.metrics!(records);
  } finally {
    process.stderr.write = write;
  }
  return written.join('');
}

test('a text sample is its text; a pair sample names its source, the reference and the beam\'s output', () => {
  assert.equal(stderrOf([{ kind: 'sample', step: 50, temperature: 0.8, prime: 'The ', text: 'The sea' }]), 'sample (τ=0.8): "The sea"\n');
  const pair: SampleRecord = { kind: 'sample', step: 50, temperature: 0, prime: 'I like my friend.', text: 'iway owknay myay iendfray.', reference: 'Iway ikelay myay iendfray.', beam: 'iway ikelay myay iendfray.' };
  assert.equal(stderrOf([pair]), 'sample (τ=0): "I like my friend." → "iway owknay myay iendfray." (reference "Iway ikelay myay iendfray."; beam "iway ikelay myay iendfray.")\n');
});
