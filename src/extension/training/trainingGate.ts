// Whether training may start, and what to tell the user when not. Pure.

export type TrainingGate =
  | { kind: 'allowed' }
  | { kind: 'untrusted'; message: string; action: 'Manage Workspace Trust' }
  | { kind: 'noWorkspace'; message: string };

export function trainingGate(o: { trusted: boolean; runsDir: string | undefined }): TrainingGate {
  if (!o.trusted) {
    return {
      kind: 'untrusted',
      message:
        'SeqLab does not train in Restricted Mode: training runs a process on the files this workspace points to. Runs and dashboards stay available. Trust the workspace to train.',
      action: 'Manage Workspace Trust',
    };
  }
  if (!o.runsDir) return { kind: 'noWorkspace', message: 'Open a folder to train: SeqLab keeps runs in the workspace (setting seqlab.runsDirectory).' };
  return { kind: 'allowed' };
}

/** `${workspaceFolder}` and `~` in the runs-directory setting; relative paths are relative to the first folder. */
export function resolveRunsDirectory(setting: string | undefined, workspaceFolder: string | undefined, home: string, join: (...p: string[]) => string, isAbsolute: (p: string) => boolean): string | undefined {
  const raw = (setting ?? '').trim() || '${workspaceFolder}/.seqlab/runs';
  if (raw.includes('${workspaceFolder}') && !workspaceFolder) return undefined;
  let p = raw.replace(/\$\{workspaceFolder\}/g, workspaceFolder ?? '');
  if (p === '~' || p.startsWith('~/')) p = join(home, p.slice(1));
  if (!isAbsolute(p)) {
    if (!workspaceFolder) return undefined;
    p = join(workspaceFolder, p);
  }
  return join(p);
}
