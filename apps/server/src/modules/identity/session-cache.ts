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
