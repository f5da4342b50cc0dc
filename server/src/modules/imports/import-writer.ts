import { Types, type Connection, type Model } from 'mongoose';
import { commentModel, type CommentDoc } from '../comments/comment.model';
import { pageModel, type PageDoc } from '../pages/page.model';

/** A page an import writes into. */
export interface ImportPage {
  pageId: string;
  title: string | null;
  url: string | null;
  locked: boolean;
}

interface WriteError {
  index: number;
  code: number;
}

function writeErrorsOf(err: unknown): WriteError[] | null {
  const e = err as { writeErrors?: WriteError[] | WriteError; code?: number };
  if (!e || !e.writeErrors) return null;
  return Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
}

/**
 * The store side of an import: batched, unordered inserts through the driver
 * (so one duplicate does not stop a batch), page creation, and counters
 * recomputed from what is stored rather than incremented (the embedded store's
 * `$inc` is read-modify-write).
 */
export class ImportWriter {
  private readonly Comment: Model<CommentDoc>;
  private readonly Page: Model<PageDoc>;
  constructor(conn: Connection) {
    this.Comment = commentModel(conn);
    this.Page = pageModel(conn);
  }

  /** Ids (hex) of a site's comments already imported from a system, or of all its comments (`system` null). */
  async existingIds(siteId: string, system: string | null): Promise<Set<string>> {
    const filter = system ? { siteId, sourceSystem: system } : { siteId };
    const ids = new Set<string>();
    for await (const doc of this.Comment.find(filter, { _id: 1 }).lean<{ _id: Types.ObjectId }>().cursor({ batchSize: 5000 }))
      ids.add(doc._id.toHexString());
    return ids;
  }

  /** Creates the pages that do not exist yet (an existing page keeps its state). */
  async ensurePages(siteId: string, pages: ImportPage[]): Promise<void> {
    if (!pages.length) return;
    const now = new Date();
    const ops = pages.map((p) => ({
      updateOne: {
        filter: { siteId, pageId: p.pageId },
        update: {
          $setOnInsert: {
            siteId,
            pageId: p.pageId,
            locked: p.locked,
            visibleCount: 0,
            title: p.title,
            url: p.url,
            createdAt: now,
          },
        },
        upsert: true,
      },
    }));
    try {
      await this.Page.collection.bulkWrite(ops, { ordered: false });
    } catch (err) {
      // A page created meanwhile (a post, another import) is what we wanted.
      if (!writeErrorsOf(err)?.every((e) => e.code === 11000)) throw err;
    }
  }

  /** Inserts comments; those already stored (same id or source) are counted, not an error. */
  async insert(docs: CommentDoc[]): Promise<{ inserted: Set<number>; present: number }> {
    const inserted = new Set(docs.map((_d, i) => i));
    if (!docs.length) return { inserted, present: 0 };
    try {
      await this.Comment.collection.insertMany(docs, { ordered: false });
      return { inserted, present: 0 };
    } catch (err) {
      const failures = writeErrorsOf(err);
      if (!failures || failures.some((e) => e.code !== 11000)) throw err;
      for (const f of failures) inserted.delete(f.index);
      return { inserted, present: failures.length };
    }
  }

  /** Adds this batch's new visible comments to their pages' totals (one write per page and batch). */
  async addVisible(siteId: string, perPage: ReadonlyMap<string, number>): Promise<void> {
    if (!perPage.size) return;
    const ops = [...perPage].map(([pageId, n]) => ({
      updateOne: { filter: { siteId, pageId }, update: { $inc: { visibleCount: n } } },
    }));
    await this.Page.collection.bulkWrite(ops, { ordered: false });
  }

  /**
   * Makes counters exact after an import: each touched page's visible total
   * and the reply count of each listed parent, from one pass over the site's
   * visible comments, writing only what differs.
   */
  async recount(siteId: string, pageIds: ReadonlySet<string>, parents: ReadonlySet<string>): Promise<void> {
    if (!pageIds.size && !parents.size) return;
    const totals = new Map<string, number>([...pageIds].map((p) => [p, 0]));
    const replies = new Map<string, number>([...parents].map((p) => [p, 0]));
    const groups = this.Comment.aggregate<{ _id: { page: string; parent: Types.ObjectId | null }; n: number }>([
      { $match: { siteId, status: 'visible' } },
      { $group: { _id: { page: '$pageId', parent: '$parentId' }, n: { $sum: 1 } } },
    ]).cursor({ batchSize: 5000 });
    for await (const g of groups) {
      if (totals.has(g._id.page)) totals.set(g._id.page, totals.get(g._id.page)! + g.n);
      const parent = g._id.parent?.toHexString();
      if (parent && replies.has(parent)) replies.set(parent, replies.get(parent)! + g.n);
    }
    const pageOps = [...totals].map(([pageId, n]) => ({
      updateOne: { filter: { siteId, pageId }, update: { $set: { visibleCount: n } } },
    }));
    for (let i = 0; i < pageOps.length; i += 500)
      await this.Page.collection.bulkWrite(pageOps.slice(i, i + 500), { ordered: false });
    const parentOps = [...replies].map(([id, n]) => ({
      updateOne: { filter: { _id: new Types.ObjectId(id), replyCount: { $ne: n } }, update: { $set: { replyCount: n } } },
    }));
    for (let i = 0; i < parentOps.length; i += 500)
      await this.Comment.collection.bulkWrite(parentOps.slice(i, i + 500), { ordered: false });
  }
}
