import { Cache } from '../../platform/cache/cache.js';

/** One list page as sent: the items array already written as JSON, and the ids the audit row lists. */
export interface ResidentPage {
  ids: string[];
  itemsJson: string;
}

/** What the cache holds at most, in characters of JSON (about 600 pages of 50 residents). */
const MAX_CHARS = 16_000_000;
/** Pages asked for once are remembered by key only, this many at most (see `offer`). */
const MAX_SEEN = 500;

/**
 * Resident list pages by (units in scope, filters, limit, offset), all built under one registry
 * epoch (migration 0014). Pages are only returned for that epoch, and the caller reads the epoch
 * after its request arrived and before reading any row, so a page served from here is what the
 * database would have answered: any resident, building name or grid code change committed by any
 * process moves the epoch and retires every page at once. Only masked values are held (the bytes
 * the response carries anyway). See ADR 0016.
 *
 * A page is kept only when it is asked for a second time while its key is still among the last
 * MAX_SEEN keys seen once: a page nobody asks for again would only be stored and thrown away, and
 * 25 KB strings that live long enough to reach the old generation make the garbage collector the
 * largest cost of a list (28 % of the server's CPU with every page kept, in a run where no page
 * was asked for twice within the cache's size).
 */
export class ResidentPageCache {
  private readonly pages = new Cache<string, ResidentPage>({
    ttlMs: Infinity,
    maxEntries: Number.MAX_SAFE_INTEGER,
    weigh: (p) => p.itemsJson.length,
    maxWeight: MAX_CHARS,
  });
  private readonly seen = new Set<string>();
  private epoch = -1;

  get(key: string, epoch: number): ResidentPage | undefined {
    return this.pages.get(key, epoch);
  }

  /** Offers a page built from rows read after `epoch` was read; kept if asked for before. */
  offer(key: string, epoch: number, page: ResidentPage): void {
    // A request that read an older epoch may finish after one that read a newer one: its page
    // may predate a change the newer epoch includes, so it is not kept (the cache refuses it).
    if (epoch < this.epoch) return;
    if (epoch > this.epoch) {
      this.seen.clear();
      this.epoch = epoch;
    }
    if (!this.seen.has(key)) {
      if (this.seen.size >= MAX_SEEN) this.seen.clear();
      this.seen.add(key);
      return;
    }
    this.pages.set(key, page, epoch);
  }

  clear(): void {
    this.pages.clear();
    this.seen.clear();
  }

  get size(): number {
    return this.pages.size;
  }
}
