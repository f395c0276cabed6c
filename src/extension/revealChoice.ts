// Where "reveal" can show a file: the OS file manager exists only in desktop VS Code on the machine that
// holds the file; in a browser (code-server, Codespaces) or a remote window `revealFileInOS` is not even
// registered, so the Explorer shows the file when it is in the workspace, and a message names its folder
// otherwise. Pure: commandPrompts.ts's `reveal` acts on it, for the tree's commands and the dashboards.

export type RevealChoice = 'os' | 'explorer' | 'message';

export function revealChoice(o: { desktop: boolean; remote: boolean; inWorkspace: boolean }): RevealChoice {
  if (o.desktop && !o.remote) return 'os';
  return o.inWorkspace ? 'explorer' : 'message';
}
