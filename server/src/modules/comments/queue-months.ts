import { Schema, Types, trusted, type Connection, type FilterQuery, type Model } from 'mongoose';
import type { CommentDoc } from './comment.model';
import { isDuplicateKey } from '../../infra/mongo';

/**
 * The moderation queues, read month by month.
 *
 * Why: the embedded store answers a query by fetching every document its
 * pushed-down equalities match, then sorting in Go. `{ siteId, status:
 * 'pending' }` alone would fetch a site's whole backlog for every queue page
 * (ten thousand held spam comments: seconds). Each comment carries its creation
 * month (`month`, from its id), and a small side collection lists the months
 * that may hold queued comments, so a page reads only the newest months it needs.
 * Listing a month is add-only (`touchedAt` renewed on every hold or flag); a
 * listed month found empty is dropped unless it was touched within PRUNE_AFTER_MS.
 */

/** Which queue. */
export type QueueKind = 'pending' | 'flagged';

/** One month that may hold queued comments of a site. */
export interface QueueMonthDoc {
  siteId: string;
  kind: QueueKind;
  /** `YYYY-MM` (UTC) of the comments' creation. */
  month: string;
  touchedAt: Date;
}

const schema = new Schema<QueueMonthDoc>(
  {
    siteId: { type: String, required: true },
    kind: { type: String, enum: ['pending', 'flagged'], required: true },
    month: { type: String, required: true },
    touchedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
schema.index({ siteId: 1, kind: 1, month: 1 }, { unique: true, name: 'site_kind_month' });

/** Registers the QueueMonth model on a connection. */
export function queueMonthModel(conn: Connection): Model<QueueMonthDoc> {
  return (conn.models.QueueMonth as Model<QueueMonthDoc>) ?? conn.model<QueueMonthDoc>('QueueMonth', schema, 'queue_months');
}

/** The `YYYY-MM` (UTC) a comment was created in, from its id's timestamp. */
export function monthOf(id: Types.ObjectId): string {
  return id.getTimestamp().toISOString().slice(0, 7);
}

/** A listed month found empty is kept this long after its last hold or flag (a hold racing the prune). */
const PRUNE_AFTER_MS = 10 * 60_000;
/** How long this node skips re-touching a month it touched (a pre-moderated site holds every post). */
const TOUCH_EVERY_MS = 10_000;

/** The filter of one month of a queue; exported so a test can `explain()` it. */
export function queueMonthFilter(
  siteId: string,
  kind: QueueKind,
  month: string,
  beforeId: string | null,
): FilterQuery<CommentDoc> {
  const filter: FilterQuery<CommentDoc> =
    kind === 'pending' ? { siteId, status: 'pending', month } : { siteId, flagOpen: true, month };
  if (beforeId) filter._id = trusted({ $lt: new Types.ObjectId(beforeId) });
  return filter;
}

/** Reads and maintains the months index of the moderation queues. */
export class QueueMonths {
  readonly Month: Model<QueueMonthDoc>;
  private readonly touched = new Map<string, number>();
  constructor(
    conn: Connection,
    private readonly Comment: Model<CommentDoc>,
  ) {
    this.Month = queueMonthModel(conn);
  }

  /** Records that a comment of `month` entered a queue (idempotent). */
  async markHeld(siteId: string, kind: QueueKind, month: string): Promise<void> {
    const key = `${siteId}\u0000${kind}\u0000${month}`;
    const now = Date.now();
    if ((this.touched.get(key) ?? 0) > now - TOUCH_EVERY_MS) return;
    await this.Month.updateOne(
      { siteId, kind, month },
      { $set: { touchedAt: new Date(now) }, $setOnInsert: { siteId, kind, month } },
      { upsert: true },
    ).catch((err: unknown) => {
      // Two writers upserting the same new month: the other one created it.
      if (!isDuplicateKey(err)) throw err;
    });
    if (this.touched.size > 10_000) this.touched.clear();
    this.touched.set(key, now);
  }

  /** A queue page, newest first: the newest listed months first, each one indexed equality lookup. */
  async page(
    siteId: string,
    kind: QueueKind,
    limit: number,
    beforeId: string | null,
  ): Promise<{ docs: CommentDoc[]; more: boolean }> {
    const listed = await this.Month.find({ siteId, kind }, { _id: 0, month: 1, touchedAt: 1 }).lean<QueueMonthDoc[]>();
    listed.sort((a, b) => (a.month < b.month ? 1 : -1));
    const startMonth = beforeId ? monthOf(new Types.ObjectId(beforeId)) : null;
    const docs: CommentDoc[] = [];
    for (const m of listed) {
      if (startMonth && m.month > startMonth) continue;
      const found = await this.Comment.find(queueMonthFilter(siteId, kind, m.month, m.month === startMonth ? beforeId : null))
        .sort({ _id: -1 })
        .limit(limit + 1 - docs.length)
        .lean<CommentDoc[]>();
      docs.push(...found);
      if (!found.length && !beforeId) await this.pruneIfStale(siteId, kind, m);
      if (docs.length > limit) break;
    }
    return { docs: docs.slice(0, limit), more: docs.length > limit };
  }

  private async pruneIfStale(siteId: string, kind: QueueKind, m: QueueMonthDoc): Promise<void> {
    const stale = new Date(Date.now() - PRUNE_AFTER_MS);
    if (m.touchedAt > stale) return;
    await this.Month.deleteOne({ siteId, kind, month: m.month, touchedAt: trusted({ $lt: stale }) });
  }

  /**
   * Lists the months of queued comments that predate the months index (a
   * database from before it); runs once per database, then leaves a marker.
   */
  async backfill(conn: Connection): Promise<void> {
    const meta = conn.collection<{ _id: string; at: Date }>('parley_meta');
    if (await meta.findOne({ _id: 'queue-months-v1' })) return;
    const cursor = this.Comment.find(
      { $or: [{ status: 'pending' }, { flagOpen: true }], month: trusted({ $exists: false }) },
      { _id: 1, siteId: 1, status: 1, flagOpen: 1 },
    )
      .lean<Pick<CommentDoc, '_id' | 'siteId' | 'status' | 'flagOpen'>[]>()
      .cursor();
    for await (const c of cursor) {
      const month = monthOf(c._id);
      await this.Comment.updateOne({ _id: c._id }, { $set: { month } });
      if (c.status === 'pending') await this.markHeld(c.siteId, 'pending', month);
      if (c.flagOpen) await this.markHeld(c.siteId, 'flagged', month);
    }
    await meta.updateOne({ _id: 'queue-months-v1' }, { $set: { at: new Date() } }, { upsert: true }).catch((err: unknown) => {
      // Nodes starting together on a fresh database: another one wrote the marker first.
      if (!isDuplicateKey(err)) throw err;
    });
  }
}
