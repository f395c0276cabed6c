// Export Model's engine: `seqlab export --json` (dist/cli.js) in a child process, so the extension host never
// loads tensor code. It owns its children: a cancelled export and dispose() kill them. No vscode.

import { type ChildProcess, spawn } from 'node:child_process';
import type { ExportFormat, ExportResult, ExportWeights } from '../../shared/modelExport';

export interface ExportJob {
  runDir: string;
  runsDir: string;
  format: ExportFormat;
  weights: ExportWeights;
  /** Replace an earlier export in the output folder. */
  force: boolean;
}

export type ExportOutcome =
  | { kind: 'exported'; result: ExportResult }
  | { kind: 'failed'; message: string }
  | { kind: 'cancelled' };

export class ModelExporter {
  private readonly running = new Set<ChildProcess>();

  constructor(private readonly cliPath: string) {}

  export(job: ExportJob, signal?: AbortSignal): Promise<ExportOutcome> {
    const args = [this.cliPath, 'export', job.runDir, '--runs-dir', job.runsDir, '--format', job.format, '--checkpoint', job.weights, '--json', ...(job.force ? ['--force'] : [])];
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve({ kind: 'cancelled' });
      // ELECTRON_RUN_AS_NODE: inside VS Code process.execPath is Electron; this makes it a plain Node
      const child = spawn(process.execPath, args, { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      this.running.add(child);
      let stdout = '', stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const cancel = () => child.kill('SIGTERM');
      signal?.addEventListener('abort', cancel, { once: true });
      let spawnError: Error | undefined;
      child.on('error', (e) => (spawnError = e));
      child.on('close', (code, killedBy) => {
        this.running.delete(child);
        signal?.removeEventListener('abort', cancel);
        if (signal?.aborted) return resolve({ kind: 'cancelled' });
        if (spawnError) return resolve({ kind: 'failed', message: `cannot start ${this.cliPath}: ${spawnError.message}` });
        if (code !== 0) return resolve({ kind: 'failed', message: stderr.trim() || `seqlab export stopped (${killedBy ?? `exit code ${code}`})` });
        try {
          resolve({ kind: 'exported', result: JSON.parse(stdout) as ExportResult });
        } catch {
          resolve({ kind: 'failed', message: `seqlab export printed no result: ${stdout.slice(0, 200)}` });
        }
      });
    });
  }

  dispose(): void {
    for (const child of this.running) child.kill('SIGTERM');
    this.running.clear();
  }
}
