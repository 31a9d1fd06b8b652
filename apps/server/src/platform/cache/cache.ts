export interface CacheOptions<V> {
  /** An entry older than this is a miss. Infinity: only the stamp and local changes retire it. */
  ttlMs: number;
  /**
   * For answers allowed to lag (list totals while an import runs): an entry stored under an older
   * stamp is still served until it is this old. 0 (the default): never.
   */
  lagMs?: number;
  /** At most this many entries; the one stored longest ago goes first. */
  maxEntries: number;
  /** With `maxWeight`: an entry's share of the budget (for example its JSON length). */
  weigh?: (value: V) => number;
  /** The total weight held at most; storing past it empties the cache first. */
  maxWeight?: number;
}

interface Entry<V> {
  value: V;
  at: number;
  stamp: number;
  weight: number;
}

/**
 * The per-process cache every module uses, with one invalidation rule (ADR 0029):
 *
 * An entry is served only while it is younger than `ttlMs` **and** was stored under the stamp the
 * caller presents (or, with `lagMs`, an older stamp less than `lagMs` ago). A stamp is a number that moves on every change the entry depends on: an epoch
 * row bumped in the same transaction as the change (access_epoch, registry_epoch), so a change
 * committed by any process retires the entries at once, or 0 when there is none and the TTL alone
 * bounds how stale another process's change may be. A change made through this process calls
 * `delete`/`clear` at once; a change announced on the bus does the same in every process.
 *
 * A value read under an older stamp than one already seen is not kept (a slow reader must not
 * store what a newer change has superseded), and a newer stamp retires every entry. Loads through
 * `load` are shared by concurrent callers of one key, and a load that a `clear`/`delete` overtook
 * is returned to its caller but not kept.
 */
export class Cache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly loading = new Map<K, { stamp: number; value: Promise<V> }>();
  private newest = Number.NEGATIVE_INFINITY;
  private weight = 0;
  private generation = 0;

  constructor(private readonly opts: CacheOptions<V>) {}

  get(key: K, stamp = 0): V | undefined {
    return this.fresh(key, stamp)?.value;
  }

  private fresh(key: K, stamp: number): Entry<V> | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const age = Date.now() - e.at;
    const lagging = e.stamp < stamp && age < (this.opts.lagMs ?? 0);
    const expired = age >= this.opts.ttlMs || (e.stamp < stamp && !lagging);
    if (expired) this.remove(key, e);
    return expired || (e.stamp !== stamp && !lagging) ? undefined : e;
  }

  set(key: K, value: V, stamp = 0): void {
    if (stamp < this.newest) return;
    if (stamp > this.newest) {
      this.dropAll();
      this.newest = stamp;
    }
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    const weight = this.opts.weigh ? this.opts.weigh(value) : 0;
    if (this.opts.maxWeight !== undefined) {
      if (weight > this.opts.maxWeight) return;
      if (this.weight + weight > this.opts.maxWeight) this.dropAll();
    }
    if (this.entries.size >= this.opts.maxEntries) {
      const first = this.entries.keys().next();
      if (!first.done) this.remove(first.value, this.entries.get(first.value)!);
    }
    this.entries.set(key, { value, at: Date.now(), stamp, weight });
    this.weight += weight;
  }

  /** The cached value, or `load()`'s, kept under `stamp`; concurrent callers of a key share one load. */
  async load(key: K, load: () => Promise<V>, stamp = 0): Promise<V> {
    const hit = this.fresh(key, stamp);
    if (hit) return hit.value;
    const pending = this.loading.get(key);
    if (pending && pending.stamp === stamp) return pending.value;
    const generation = this.generation;
    const value = load();
    this.loading.set(key, { stamp, value });
    try {
      const v = await value;
      if (this.generation === generation) this.set(key, v, stamp);
      return v;
    } finally {
      if (this.loading.get(key)?.value === value) this.loading.delete(key);
    }
  }

  delete(key: K): void {
    const e = this.entries.get(key);
    if (e) this.remove(key, e);
    this.loading.delete(key);
    this.generation++;
  }

  /** Drops every entry and every load in flight: the next read goes to the source. */
  clear(): void {
    this.dropAll();
    this.loading.clear();
    this.generation++;
  }

  get size(): number {
    return this.entries.size;
  }

  private dropAll(): void {
    this.entries.clear();
    this.weight = 0;
  }

  private remove(key: K, e: Entry<V>): void {
    this.entries.delete(key);
    this.weight -= e.weight;
  }
}
