import type { Actor } from '../../platform/auth/actor.js';

/**
 * Reads the access epoch (migration 0008) for many requests at once, strictly after each of them
 * arrived. A caller joins the next read that has not been sent yet; one already in flight may
 * have taken its snapshot before the caller arrived, so it does not count. This keeps "a change
 * committed before the request came in is seen by it" while concurrent requests share one round
 * trip, the read-side twin of the audit log's group commit.
 */
export class AccessEpochProbe {
  private waiting: { resolve: (n: number) => void; reject: (e: unknown) => void }[] = [];
  private reading = false;

  constructor(private readonly read: () => Promise<number>) {}

  current(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (!this.reading) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.reading = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      try {
        const n = await this.read();
        for (const w of batch) w.resolve(n);
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
    this.reading = false;
  }
}

export interface CachedSession {
  actor: Actor;
  /** The access epoch of the snapshot the session, user and grants were read in. */
  epoch: number;
  expiresAt: number;
  lastSeenAt: number;
}

/**
 * Signed-in actors by session-id hash. An entry is only ever used while its epoch is the current
 * one (AuthService checks), so it holds no authority of its own; the bound only caps memory.
 */
export class SessionCache {
  private readonly entries = new Map<string, CachedSession>();

  constructor(private readonly maxEntries = 10_000) {}

  get(id: string): CachedSession | undefined {
    return this.entries.get(id);
  }

  set(id: string, entry: CachedSession): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }
}
