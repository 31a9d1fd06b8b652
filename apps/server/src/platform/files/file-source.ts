import type { Readable } from 'node:stream';
import type { FileSource } from './file-store.js';

/** The bytes of any accepted source, as the stores consume them. */
export async function* chunksOf(source: FileSource): AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
}

/** Stops a stream source a store refuses, so the sender is not drained to the end. */
export function destroySource(source: FileSource): void {
  const maybe = source as { destroy?: unknown };
  if (typeof maybe.destroy === 'function') (source as Readable).destroy();
}
