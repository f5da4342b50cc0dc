import type { Connection, Model } from 'mongoose';
import { mapLimit } from '../../infra/map-limit';
import { initCollections, isDuplicateKey, type IndexPolicy } from '../../infra/mongo';
import { KeyedSerial } from '../comments/keyed-serial';
import { pageModel, type PageDoc } from './page.model';
import { isPageKeyOf, pageKey } from './page-key';

/** A page as the services see it. */
export interface PageRecord {
  siteId: string;
  pageId: string;
  locked: boolean;
  visibleCount: number;
}

const EMPTY = (siteId: string, pageId: string): PageRecord => ({ siteId, pageId, locked: false, visibleCount: 0 });

/**
 * Counter writes in flight at once on this node. Each one scans the pages
 * collection on the embedded store, whose writes run one at a time: with many
 * queued there, a post's insert (on the acknowledgement path) waited behind
 * all of them. Waiting here instead keeps that queue short, and the deltas of
 * a waiting page keep gathering into its next write.
 */
const MAX_COUNTER_WRITES = 2;

/** Page lookups of one counts request in flight at once (a tenth of the connection pool). */
const COUNT_LOOKUPS_AT_ONCE = 10;

/** Persistence of pages (lock state and visible comment counters). */
export class PagesRepository {
  private readonly Page: Model<PageDoc>;
  /** Updates of one page run one at a time (see KeyedSerial: the embedded store's updates are not atomic). */
  private readonly serial = new KeyedSerial();
  /** Pages this node has already created, so posting does not upsert the page document every time. */
  private readonly ensured = new Set<string>();
  /** Counter deltas waiting for the page's running write to finish, per page. */
  private readonly gathering = new Map<string, { delta: number; done: Promise<void> }>();
  private counterWrites = 0;
  private readonly counterQueue: (() => void)[] = [];
  constructor(conn: Connection) {
    this.Page = pageModel(conn);
  }

  /** Ensures collections and indexes exist (see IndexPolicy). */
  async init(policy: IndexPolicy = 'all'): Promise<void> {
    await initCollections([this.Page as Model<unknown>], policy);
  }

  /** A page; an unknown page reads as open and empty (pages exist implicitly). */
  async get(siteId: string, pageId: string): Promise<PageRecord> {
    const doc = await this.Page.findOne(
      { siteId, pageId },
      { _id: 0, siteId: 1, pageId: 1, locked: 1, visibleCount: 1 },
    ).lean<PageRecord>();
    return doc ?? EMPTY(siteId, pageId);
  }

  /** Title and URL of pages, where a post told them (feeds link entries to the article). */
  async meta(siteId: string, pageIds: string[]): Promise<Map<string, { title: string | null; url: string | null }>> {
    const out = new Map<string, { title: string | null; url: string | null }>();
    // One equality lookup per page, as counts() does: the embedded store pushes equalities down, never `$in`.
    await mapLimit([...new Set(pageIds)], COUNT_LOOKUPS_AT_ONCE, async (pageId) => {
      const d = await this.Page.findOne({ siteId, pageId }, { _id: 0, title: 1, url: 1 }).lean<Pick<PageDoc, 'title' | 'url'>>();
      if (d) out.set(pageId, { title: d.title ?? null, url: d.url ?? null });
    });
    return out;
  }

  /** The ids of a site's locked pages (few; one scan answers every page's lock check). */
  async lockedPages(siteId: string): Promise<ReadonlySet<string>> {
    const docs = await this.Page.find({ siteId, locked: true }, { _id: 0, pageId: 1 }).lean<Pick<PageDoc, 'pageId'>[]>();
    return new Set(docs.map((d) => d.pageId));
  }

  /** Creates the page document on first use; a concurrent creator is harmless. */
  async ensure(siteId: string, pageId: string, meta: { title?: string; url?: string } = {}): Promise<void> {
    const key = pageKey(siteId, pageId);
    if (this.ensured.has(key)) return;
    try {
      await this.Page.updateOne(
        { siteId, pageId },
        {
          $setOnInsert: {
            siteId,
            pageId,
            locked: false,
            visibleCount: 0,
            createdAt: new Date(),
            title: meta.title ?? null,
            url: meta.url ?? null,
          },
        },
        { upsert: true },
      );
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    if (this.ensured.size >= 50_000) this.ensured.clear();
    this.ensured.add(key);
  }

  /**
   * Adds `delta` to the visible comment counter. An upsert, so it also creates
   * the page (with `meta`) on its first visible comment — posting skips
   * `ensure` then — and keeps the counter right even if the page document
   * vanished under a stale "ensured" mark. While a write to the page runs,
   * further deltas gather into the next one: a hot page costs one store write
   * per write's duration, not one per comment (each write scans the pages
   * collection on the embedded store).
   */
  async addVisible(siteId: string, pageId: string, delta: number, meta: { title?: string; url?: string } = {}): Promise<void> {
    if (delta === 0) return;
    const key = pageKey(siteId, pageId);
    const waiting = this.gathering.get(key);
    if (waiting) {
      waiting.delta += delta;
      return waiting.done;
    }
    const batch = { delta, done: Promise.resolve() };
    this.gathering.set(key, batch);
    const write = () =>
      this.Page.updateOne(
        { siteId, pageId },
        {
          $inc: { visibleCount: batch.delta },
          $setOnInsert: {
            siteId,
            pageId,
            locked: false,
            createdAt: new Date(),
            title: meta.title ?? null,
            url: meta.url ?? null,
          },
        },
        { upsert: true },
      );
    batch.done = this.serial.run(key, async () => {
      await this.counterSlot();
      try {
        // From here on, new deltas gather into the next write.
        if (this.gathering.get(key) === batch) this.gathering.delete(key);
        if (batch.delta === 0) return;
        await write().then(
          () => this.markEnsured(key),
          (err: unknown) => (isDuplicateKey(err) ? write().then(() => this.markEnsured(key)) : Promise.reject(err)),
        );
      } finally {
        this.releaseCounterSlot();
      }
    });
    return batch.done;
  }

  /** Waits for one of the MAX_COUNTER_WRITES slots. */
  private async counterSlot(): Promise<void> {
    if (this.counterWrites < MAX_COUNTER_WRITES) {
      this.counterWrites++;
      return;
    }
    // A released slot is handed straight to the next waiter, so no newcomer can overtake it.
    await new Promise<void>((resolve) => this.counterQueue.push(resolve));
  }

  private releaseCounterSlot(): void {
    const next = this.counterQueue.shift();
    if (next) next();
    else this.counterWrites--;
  }

  private markEnsured(key: string): void {
    if (this.ensured.size >= 50_000) this.ensured.clear();
    this.ensured.add(key);
  }

  /** Locks or unlocks a page (creating it if needed). */
  async setLocked(siteId: string, pageId: string, locked: boolean): Promise<void> {
    await this.ensure(siteId, pageId);
    await this.serial.run(pageKey(siteId, pageId), () => this.Page.updateOne({ siteId, pageId }, { $set: { locked } }));
  }

  /**
   * Visible counts of up to 100 pages; unknown pages count 0. One equality
   * lookup per page, because the embedded store serves `{ siteId, pageId }`
   * from an index but would scan the whole collection for a `$in`.
   */
  async counts(siteId: string, pageIds: string[]): Promise<Record<string, number>> {
    const counts: Record<string, number> = Object.create(null);
    const unique = [...new Set(pageIds)];
    await mapLimit(unique, COUNT_LOOKUPS_AT_ONCE, async (pageId) => {
      const doc = await this.Page.findOne({ siteId, pageId }, { _id: 0, visibleCount: 1 }).lean<Pick<PageDoc, 'visibleCount'>>();
      counts[pageId] = Math.max(0, doc?.visibleCount ?? 0);
    });
    return counts;
  }

  /** Removes every page of a site. */
  async purgeSite(siteId: string): Promise<void> {
    for (const key of this.ensured) if (isPageKeyOf(key, siteId)) this.ensured.delete(key);
    await this.Page.deleteMany({ siteId });
  }
}
