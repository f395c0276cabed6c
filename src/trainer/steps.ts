// Long synchronous work cut into chunks: a generator that yields between chunks and returns its result
// (loading a large data file, drawing the weights of a large model). `runSteps` runs it through for a
// caller that only wants the result; `runStepsAsync` awaits the caller between chunks, who can report
// progress, let signals and IPC in, and stop by throwing. One implementation serves both, so the
// synchronous loaders the editor and the tests call compute exactly what a cancellable run loads.

/** Work that yields P between its chunks and returns T. */
export type Steps<T, P = void> = Generator<P, T, void>;

/** Loop iterations between two yields of a per-element loop (cheap elements: a few ms of work). */
export const ELEMENTS_PER_STEP = 1 << 18;

/** Work that is not cut into chunks, as Steps: it runs in one piece when first advanced. */
export function* whole<T>(work: () => T): Steps<T> {
  return work();
}

export function runSteps<T>(steps: Generator<unknown, T, void>): T {
  for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value;
}

/** Runs `steps`, awaiting `between` after every chunk; what `between` throws ends the work there
 *  (the generator is returned, so its `finally` blocks clean up). */
export async function runStepsAsync<T, P>(steps: Generator<P, T, void>, between: (progress: P) => Promise<void>): Promise<T> {
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done) return r.value;
    try {
      await between(r.value);
    } catch (e) {
      steps.return(undefined as T);
      throw e;
    }
  }
}
