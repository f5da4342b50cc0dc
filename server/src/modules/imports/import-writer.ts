import { Types, type Connection, type Model, type mongo } from 'mongoose';
import { isDuplicateKey } from '../../infra/mongo';
import { commentModel, type CommentDoc } from '../comments/comment.model';
import { pageModel, type PageDoc } from '../pages/page.model';
import { QueueDays } from '../comments/queue-days';

/** A page an import writes into. */
export interface ImportPage {
  pageId: string;
  title: string | null;
  url: string | null;
  locked: boolean;
}

/** Updates per command: small, so each answers well inside the driver's socket timeout. */
const UPDATE_CHUNK = 50;

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
  private readonly queues: QueueDays;
  constructor(conn: Connection) {
    this.Comment = commentModel(conn);
    this.Page = pageModel(conn);
    this.queues = new QueueDays(conn, this.Comment);
  }

  /** Ids (hex) of a site's comments already imported from a system, or of all its comments (`system` null). */
  async existingIds(siteId: string, system: string | null): Promise<Set<string>> {
    const filter = system ? { siteId, sourceSystem: system } : { siteId };
    const ids = new Set<string>();
    for await (const doc of this.Comment.find(filter, { _id: 1 }).lean<{ _id: Types.ObjectId }>().cursor({ batchSize: 5000 }))
      ids.add(doc._id.toHexString());
    return ids;
  }

  /**
   * The ids of the site's pages, read once per run: page writes then go by
   * `_id`, the one filter every store serves without reading the whole pages
   * collection (on the embedded SQLite store any other filter decodes all of it).
   */
  async pageIds(siteId: string): Promise<Map<string, Types.ObjectId>> {
    const out = new Map<string, Types.ObjectId>();
    for await (const p of this.Page.find({ siteId }, { _id: 1, pageId: 1 })
      .lean<{ _id: Types.ObjectId; pageId: string }>()
      .cursor())
      out.set(p.pageId, p._id);
    return out;
  }

  /**
   * Creates the pages not in `known` yet (an existing page keeps its state), adds their ids to
   * it and returns the pageIds created here. A created page starts with the visible total the
   * plan expects (`planned`): no counter write per batch (each one is a synced write on the
   * embedded store); an interrupted run leaves it high until the re-run recounts.
   */
  async ensurePages(
    siteId: string,
    pages: ImportPage[],
    known: Map<string, Types.ObjectId>,
    planned: ReadonlyMap<string, number>,
  ): Promise<string[]> {
    const missing = pages.filter((p) => !known.has(p.pageId));
    if (!missing.length) return [];
    const now = new Date();
    const docs = missing.map((p) => ({
      _id: new Types.ObjectId(),
      siteId,
      pageId: p.pageId,
      locked: p.locked,
      visibleCount: planned.get(p.pageId) ?? 0,
      title: p.title,
      url: p.url,
      createdAt: now,
    }));
    const { inserted } = await this.insertInto(this.Page.collection, docs);
    const created: string[] = [];
    for (const [i, d] of docs.entries()) {
      if (inserted.has(i)) {
        known.set(d.pageId, d._id);
        created.push(d.pageId);
      } else {
        // Created meanwhile (a post, another import): that page is the one to count on.
        const found = await this.Page.findOne({ siteId, pageId: d.pageId }, { _id: 1 }).lean<{ _id: Types.ObjectId }>();
        if (found) known.set(d.pageId, found._id);
      }
    }
    return created;
  }

  /** Inserts comments; those already stored (same id or source) are counted, not an error. */
  async insert(docs: CommentDoc[]): Promise<{ inserted: Set<number>; present: number }> {
    const result = await this.insertInto(this.Comment.collection, docs);
    // Held comments must be findable by the moderation queue, which reads day by day.
    const held = new Set<string>();
    for (const i of result.inserted) if (docs[i]!.status === 'pending') held.add(`${docs[i]!.siteId}\u0000${docs[i]!.day}`);
    for (const key of held) {
      const [siteId, day] = key.split('\u0000') as [string, string];
      await this.queues.markHeld(siteId, 'pending', day);
    }
    return result;
  }

  private async insertInto<D extends { _id: Types.ObjectId }>(
    collection: { insertMany(docs: D[], opts: { ordered: false }): Promise<unknown> },
    docs: D[],
  ): Promise<{ inserted: Set<number>; present: number }> {
    const inserted = new Set(docs.map((_d, i) => i));
    if (!docs.length) return { inserted, present: 0 };
    try {
      await collection.insertMany(docs, { ordered: false });
      return { inserted, present: 0 };
    } catch (err) {
      const failures = writeErrorsOf(err);
      if (!failures || failures.some((e) => !isDuplicateKey(e))) throw err;
      for (const f of failures) inserted.delete(f.index);
      return { inserted, present: failures.length };
    }
  }

  /** Adds this batch's new visible comments to their pages' totals (one write per page and batch). */
  async addVisible(perPage: ReadonlyMap<Types.ObjectId, number>): Promise<void> {
    if (!perPage.size) return;
    const ops = [...perPage].map(([_id, n]) => ({ updateOne: { filter: { _id }, update: { $inc: { visibleCount: n } } } }));
    await this.inChunks(this.Page.collection, ops);
  }

  /** Runs updates by `_id` in small commands: each is a synced write on the embedded store. */
  private async inChunks<D extends mongo.Document>(collection: mongo.Collection<D>, ops: mongo.AnyBulkWriteOperation<D>[]) {
    for (let i = 0; i < ops.length; i += UPDATE_CHUNK)
      await collection.bulkWrite(ops.slice(i, i + UPDATE_CHUNK), { ordered: false });
  }

  /**
   * Makes counters exact after a re-run or resumed run: the visible total of
   * each touched page and the reply count of every comment on those pages,
   * from one read of the site's comments (ids, parents, statuses, counts),
   * writing by `_id` only what differs.
   */
  async recount(siteId: string, pageIds: ReadonlySet<string>, known: ReadonlyMap<string, Types.ObjectId>): Promise<void> {
    if (!pageIds.size) return;
    const totals = new Map<string, number>([...pageIds].map((p) => [p, 0]));
    const children = new Map<string, number>();
    const stored = new Map<string, number>();
    const rows = this.Comment.find({ siteId }, { _id: 1, pageId: 1, parentId: 1, status: 1, replyCount: 1 })
      .lean<Pick<CommentDoc, '_id' | 'pageId' | 'parentId' | 'status' | 'replyCount'>>()
      .cursor({ batchSize: 5000 });
    for await (const c of rows) {
      if (!totals.has(c.pageId)) continue;
      stored.set(c._id.toHexString(), c.replyCount ?? 0);
      if (c.status !== 'visible') continue;
      totals.set(c.pageId, totals.get(c.pageId)! + 1);
      if (c.parentId) children.set(c.parentId.toHexString(), (children.get(c.parentId.toHexString()) ?? 0) + 1);
    }
    const current = new Map<string, number>();
    for await (const p of this.Page.find({ siteId }, { _id: 0, pageId: 1, visibleCount: 1 })
      .lean<Pick<PageDoc, 'pageId' | 'visibleCount'>>()
      .cursor())
      current.set(p.pageId, p.visibleCount);
    const pageOps = [...totals]
      .filter(([pageId, n]) => current.get(pageId) !== n && known.has(pageId))
      .map(([pageId, n]) => ({ updateOne: { filter: { _id: known.get(pageId)! }, update: { $set: { visibleCount: n } } } }));
    await this.inChunks(this.Page.collection, pageOps);
    const commentOps = [...stored]
      .filter(([id, n]) => (children.get(id) ?? 0) !== n)
      .map(([id]) => ({
        updateOne: { filter: { _id: new Types.ObjectId(id) }, update: { $set: { replyCount: children.get(id) ?? 0 } } },
      }));
    await this.inChunks(this.Comment.collection, commentOps);
  }
}
