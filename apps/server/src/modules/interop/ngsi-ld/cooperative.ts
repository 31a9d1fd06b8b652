import { setImmediate as yieldToLoop } from 'node:timers/promises';

/**
 * Work on the event loop must give it back: JavaScript cannot interrupt a synchronous loop, so a
 * filter over thousands of entities runs in slices of a few milliseconds, letting other requests
 * (and /healthz) through between them, and checks after each slice whether its request was aborted
 * (time budget spent, or client gone). ADR 0019.
 */
const SLICE_MS = 10;

export async function filterInSlices<T>(
  items: readonly T[],
  keep: (item: T) => boolean,
  signal?: AbortSignal,
): Promise<T[]> {
  const out: T[] = [];
  let sliceStart = performance.now();
  for (const item of items) {
    if (keep(item)) out.push(item);
    if (performance.now() - sliceStart > SLICE_MS) {
      await yieldToLoop();
      signal?.throwIfAborted();
      sliceStart = performance.now();
    }
  }
  return out;
}
