// The editor's diagnostics and the trainer apply the same rules to a data file (src/shared/dataFileRules.ts):
// for each kind of unusable file the editor shows the very message `seqlab train` prints.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileProblems, type FileIo, HEAD_BYTES, nodeIo } from '../../src/extension/configs/fileChecks';
import { parseConfig } from '../../src/shared/configValidation';
import { contentProblem, MAX_DATA_FILE_BYTES } from '../../src/shared/dataFileRules';
import { readDataFile } from '../../src/trainer/data/dataFile';

function workspace(files: Record<string, string | Uint8Array>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqlab-datafile-'));
  fs.mkdirSync(path.join(dir, 'folder'));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

/** What the editor shows for a config whose data.path is `dataPath` (first problem, or 'ok'). */
async function editorSays(dir: string, kind: 'text' | 'csv', dataPath: string, io: FileIo = nodeIo): Promise<string> {
  const configPath = path.join(dir, 'e.seqlab.json');
  const data = kind === 'text' ? { kind, path: dataPath } : { kind, path: dataPath, targets: ['y'] };
  const text = JSON.stringify({ name: 'e', data }, null, 2);
  const { config } = parseConfig(text, configPath);
  assert.ok(config);
  const { problems } = await fileProblems(text, configPath, config, io);
  return problems[0]?.message ?? 'ok';
}

function trainerSays(dir: string, dataPath: string): string {
  try {
    readDataFile(dataPath, dir);
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  }
}

test('the editor and the trainer give the same verdict on missing, folder, binary, non-UTF-8 and good files', async () => {
  const dir = workspace({
    'good.txt': 'to be or not to be\n',
    'good.csv': 'x,y\n1,2\n',
    'binary.txt': Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0x00, 0x00),
    'utf16.csv': Buffer.from('\ufeffx,y\n1,2\n', 'utf16le'),
    'latin1.txt': Buffer.from('caf\xe9 cr\xe8me\n', 'latin1'),
  });
  const cases: [string, 'text' | 'csv', RegExp][] = [
    ['good.txt', 'text', /^ok$/],
    ['good.csv', 'csv', /^ok$/],
    ['missing.txt', 'text', /missing\.txt: file not found\. Check data\.path/],
    ['folder', 'csv', /"folder" is not a file\. Point data\.path at a file/],
    ['binary.txt', 'text', /binary\.txt:1 \(byte 4\): the file looks binary: a NUL byte at byte offset 4/],
    ['utf16.csv', 'csv', /utf16\.csv:1 \(byte 3\): the file looks binary.*UTF-16 file must be re-saved as UTF-8/],
    ['latin1.txt', 'text', /latin1\.txt:1 \(byte 3\): the file is not valid UTF-8: byte 0xe9/],
  ];
  for (const [file, kind, expected] of cases) {
    const editor = await editorSays(dir, kind, file);
    assert.match(editor, expected, `editor on ${file}`);
    assert.equal(editor, trainerSays(dir, file), `editor and trainer differ on ${file}`);
  }
});

test('the size limit holds for CSV files in the editor too, with the trainer\'s message', async () => {
  const dir = workspace({});
  const huge: FileIo = { stat: async () => ({ isFile: true, size: MAX_DATA_FILE_BYTES + 1 }), head: async () => new TextEncoder().encode('x,y\n') };
  for (const kind of ['text', 'csv'] as const) {
    assert.match(await editorSays(dir, kind, 'big', huge), /big: the file is 50\.0 MiB, over the 50\.0 MiB limit of the data loaders\. Train on a part of it/);
  }
});

test('a character cut by the end of the head the editor reads is not an error; a bad byte inside the head is', async () => {
  // 'é' is 0xc3 0xa9: put its first byte last in the head
  const cut = Buffer.concat([Buffer.from('x,y\n'), Buffer.alloc(HEAD_BYTES - 5, 0x31), Buffer.from('é\n')]);
  assert.equal(cut[HEAD_BYTES - 1], 0xc3);
  const dir = workspace({ 'cut.csv': cut });
  assert.equal(await editorSays(dir, 'csv', 'cut.csv'), 'ok');
  assert.equal(trainerSays(dir, 'cut.csv'), 'ok');
  assert.equal(contentProblem('f', cut.subarray(0, HEAD_BYTES), true), undefined);
  assert.match(contentProblem('f', cut.subarray(0, HEAD_BYTES), false)?.problem ?? '', /not valid UTF-8: byte 0xc3 at byte offset 65535/);
  const early = Buffer.from('x,y\n\xff1,2\n', 'latin1');
  assert.match(contentProblem('f', early, true)?.problem ?? '', /byte 0xff at byte offset 4 \(line 2\)/);
});
