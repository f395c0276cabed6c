// For the process tests: wait for a condition that no event of ours reports (another process's pid going
// away, a child retiring), polling it; a generous guard turns a hang into a failure that names what never came.

export async function until(done: () => boolean, what: string, guardMs = 30_000): Promise<void> {
  const deadline = Date.now() + guardMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${guardMs / 1000} s for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
