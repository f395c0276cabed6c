// The exit codes of `seqlab`: 0 success · 1 training failed (diverged, internal error) · 2 bad usage or
// invalid config · 3 data error · 4 run (or its weights) not found, or a damaged run that cannot be
// repaired · 130 cancelled with Ctrl-C.

export const EXIT = { ok: 0, failed: 1, usage: 2, data: 3, notFound: 4, cancelled: 130 } as const;

/** Ends the command with `code` after printing `message` on stderr. */
export function fail(code: number, message: string): never {
  process.stderr.write(message.endsWith('\n') ? message : message + '\n');
  process.exit(code);
}
