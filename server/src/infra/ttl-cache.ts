/** Options of a {@link TtlCache}. */
export interface TtlCacheOptions {
  /** How long a loaded value is served without a change notice. */
  ttlMs: number;
  /** Entries kept at most; past it the oldest one goes. */
  maxEntries: number;
  /**
   * Past this age a hit still answers at once but also starts one load in the
   * background, so a hot entry is renewed before it expires (unset: never).
   */
  refreshAfterMs?: number;
  /** The clock (tests pass their own). */
  now?: () => number;
}

interface Entry<V> {
  /** When the load that produced `value` started. */
  at: number;
  value: Promise<V>;
  refreshing: boolean;
}

/**
 * A small per-node cache of loaded values with a time to live, for lookups
 * that run on every request or write. Concurrent misses of a key share one
 * load; a failed load is never cached; and a load that was running when its
 * key was forgotten is never served afterwards (the stale-load race: a read
 * that started before a change must not store what it read).
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly now: () => number;
  constructor(private readonly opts: TtlCacheOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** The value of `key`: cached while fresh, else the result of `load`. */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit) {
      const age = this.now() - hit.at;
      if (age < this.opts.ttlMs) {
        if (this.opts.refreshAfterMs !== undefined && age >= this.opts.refreshAfterMs && !hit.refreshing)
          this.refresh(key, hit, load);
        return hit.value;
      }
      this.entries.delete(key);
    }
    if (this.entries.size >= this.opts.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const entry: Entry<V> = { at: this.now(), value: load(), refreshing: false };
    this.entries.set(key, entry);
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }

  /** Forgets `key` (after a change); a load of it still running will not be stored. */
  forget(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets every key that matches (e.g. every page of a site). */
  forgetWhere(matches: (key: string) => boolean): void {
    for (const key of this.entries.keys()) if (matches(key)) this.entries.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.entries.clear();
  }

  /** Number of keys held (fresh or not yet expired by a read). */
  get size(): number {
    return this.entries.size;
  }

  /** Loads `key` again while the current value keeps answering; swaps it in unless the key was forgotten meanwhile. */
  private refresh(key: string, current: Entry<V>, load: () => Promise<V>): void {
    current.refreshing = true;
    const next: Entry<V> = { at: this.now(), value: load(), refreshing: false };
    next.value.then(
      () => {
        if (this.entries.get(key) === current) this.entries.set(key, next);
      },
      // The current value stays until it expires; the next reader after that loads again.
      () => (current.refreshing = false),
    );
  }
}
