// The longest stretch of synchronous work the extension's own handlers did on the extension host's
// event loop since the last reset. The event-loop delay histogram also counts the work of VS Code and of
// other extensions sharing the host; this counts only what SeqLab's handlers cost. No vscode.

import { performance } from 'node:perf_hooks';

export class HostWork {
  private longest = { ms: 0, label: '' };

  /** Runs `fn` and records how long it held the loop (for an async fn: the part before its first await). */
  measure<T>(label: string, fn: () => T): T {
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      const ms = performance.now() - t0;
      if (ms > this.longest.ms) this.longest = { ms, label };
    }
  }

  max(): { ms: number; label: string } {
    return { ...this.longest };
  }

  reset(): void {
    this.longest = { ms: 0, label: '' };
  }
}

export const hostWork = new HostWork();
