import { Schema, Types, trusted, type Connection, type FilterQuery, type Model } from 'mongoose';
import type { CommentDoc } from './comment.model';
import { isDuplicateKey } from '../../infra/mongo';

/**
 * The moderation queues, read day by day.
 *
 * Why: the embedded store answers a query by fetching every document its
 * pushed-down equalities match, then sorting in Go. `{ siteId, status:
 * 'pending' }` alone would fetch a site's whole backlog for every queue page
 * (ten thousand held spam comments: seconds), and even a month of a large
 * site's backlog is hundreds of rows per page. Each comment carries its
 * creation day (`day`, from its id), and a small side collection lists the days
 * that may hold queued comments, so a page reads only the newest days it needs.
 * Listing a day is add-only (`touchedAt` renewed on every hold or flag); a
 * listed day found empty is dropped unless it was touched within PRUNE_AFTER_MS.
 */

/** Which queue. */
export type QueueKind = 'pending' | 'flagged';

/** One day that may hold queued comments of a site. */
export interface QueueDayDoc {
  siteId: string;
  kind: QueueKind;
  /** `YYYY-MM-DD` (UTC) of the comments' creation. */
  day: string;
  touchedAt: Date;
}

const schema = new Schema<QueueDayDoc>(
  {
    siteId: { type: String, required: true },
    kind: { type: String, enum: ['pending', 'flagged'], required: true },
    day: { type: String, required: true },
    touchedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
schema.index({ siteId: 1, kind: 1, day: 1 }, { unique: true, name: 'site_kind_day' });

/** Registers the QueueDay model on a connection. */
export function queueDayModel(conn: Connection): Model<QueueDayDoc> {
  return (conn.models.QueueDay as Model<QueueDayDoc>) ?? conn.model<QueueDayDoc>('QueueDay', schema, 'queue_days');
}

/** The `YYYY-MM-DD` (UTC) a comment was created on, from its id's timestamp. */
export function dayOf(id: Types.ObjectId): string {
  return id.getTimestamp().toISOString().slice(0, 10);
}

/** A listed day found empty is kept this long after its last hold or flag (a hold racing the prune). */
const PRUNE_AFTER_MS = 10 * 60_000;
/** How long this node skips re-touching a day it touched (a pre-moderated site holds every post). */
const TOUCH_EVERY_MS = 10_000;
/** Days read at once: the first round reads the two newest, each later round twice as many, up to this. */
const MAX_DAYS_AT_ONCE = 8;
/** The one-time backfill's marker in `parley_meta`. */
const BACKFILL_MARKER = 'queue-days-v1';

/** The filter of one day of a queue; exported so a test can `explain()` it. */
export function queueDayFilter(siteId: string, kind: QueueKind, day: string, beforeId: string | null): FilterQuery<CommentDoc> {
  const filter: FilterQuery<CommentDoc> =
    kind === 'pending' ? { siteId, status: 'pending', day } : { siteId, flagOpen: true, day };
  if (beforeId) filter._id = trusted({ $lt: new Types.ObjectId(beforeId) });
  return filter;
}

/** Reads and maintains the days index of the moderation queues. */
export class QueueDays {
  readonly Day: Model<QueueDayDoc>;
  private readonly touched = new Map<string, number>();
  constructor(
    conn: Connection,
    private readonly Comment: Model<CommentDoc>,
  ) {
    this.Day = queueDayModel(conn);
  }

  /** Records that a comment of `day` entered a queue (idempotent). */
  async markHeld(siteId: string, kind: QueueKind, day: string): Promise<void> {
    const key = `${siteId}\u0000${kind}\u0000${day}`;
    const now = Date.now();
    if ((this.touched.get(key) ?? 0) > now - TOUCH_EVERY_MS) return;
    await this.Day.updateOne(
      { siteId, kind, day },
      { $set: { touchedAt: new Date(now) }, $setOnInsert: { siteId, kind, day } },
      { upsert: true },
    ).catch((err: unknown) => {
      // Two writers upserting the same new day: the other one created it.
      if (!isDuplicateKey(err)) throw err;
    });
    if (this.touched.size > 10_000) this.touched.clear();
    this.touched.set(key, now);
  }

  /**
   * A queue page, newest first: the newest listed days first, each one indexed
   * equality lookup, a few days at once (a sparse queue spreads a page over many days).
   */
  async page(
    siteId: string,
    kind: QueueKind,
    limit: number,
    beforeId: string | null,
  ): Promise<{ docs: CommentDoc[]; more: boolean }> {
    const listed = await this.Day.find({ siteId, kind }, { _id: 0, day: 1, touchedAt: 1 }).lean<QueueDayDoc[]>();
    const startDay = beforeId ? dayOf(new Types.ObjectId(beforeId)) : null;
    const days = listed.filter((d) => !startDay || d.day <= startDay).sort((a, b) => (a.day < b.day ? 1 : -1));
    const docs: CommentDoc[] = [];
    for (let i = 0, n = 2; i < days.length && docs.length <= limit; i += n, n = Math.min(n * 2, MAX_DAYS_AT_ONCE)) {
      const round = days.slice(i, i + n);
      const want = limit + 1 - docs.length;
      const found = await Promise.all(
        round.map((d) =>
          this.Comment.find(queueDayFilter(siteId, kind, d.day, d.day === startDay ? beforeId : null))
            .sort({ _id: -1 })
            .limit(want)
            .lean<CommentDoc[]>(),
        ),
      );
      for (const [j, got] of found.entries()) {
        docs.push(...got);
        if (!got.length && !beforeId) await this.pruneIfStale(siteId, kind, round[j]!);
      }
    }
    return { docs: docs.slice(0, limit), more: docs.length > limit };
  }

  private async pruneIfStale(siteId: string, kind: QueueKind, d: QueueDayDoc): Promise<void> {
    const stale = new Date(Date.now() - PRUNE_AFTER_MS);
    if (d.touchedAt > stale) return;
    await this.Day.deleteOne({ siteId, kind, day: d.day, touchedAt: trusted({ $lt: stale }) });
  }

  /**
   * Lists the days of queued comments that predate the days index (a database
   * from before it, whose queues were read month by month); runs once per
   * database, then leaves a marker. Each queue is read by its own equality,
   * which the embedded store serves from an index, not a scan of every comment.
   */
  async backfill(conn: Connection): Promise<void> {
    const meta = conn.collection<{ _id: string; at: Date }>('parley_meta');
    if (await meta.findOne({ _id: BACKFILL_MARKER })) return;
    for (const kind of ['pending', 'flagged'] as const) {
      const cursor = this.Comment.find(kind === 'pending' ? { status: 'pending' } : { flagOpen: true }, {
        _id: 1,
        siteId: 1,
        day: 1,
      })
        .lean<Pick<CommentDoc, '_id' | 'siteId' | 'day'>[]>()
        .cursor();
      let batch: { updateOne: { filter: { _id: Types.ObjectId }; update: { $set: { day: string } } } }[] = [];
      const flush = async () => {
        if (batch.length) await this.Comment.bulkWrite(batch, { ordered: false });
        batch = [];
      };
      for await (const c of cursor) {
        const day = c.day ?? dayOf(c._id);
        if (!c.day) batch.push({ updateOne: { filter: { _id: c._id }, update: { $set: { day } } } });
        if (batch.length >= 500) await flush();
        await this.markHeld(c.siteId, kind, day);
      }
      await flush();
    }
    // The months index this one replaces (a database from before it).
    await conn.db?.dropCollection('queue_months').catch(() => undefined);
    await meta.updateOne({ _id: BACKFILL_MARKER }, { $set: { at: new Date() } }, { upsert: true }).catch((err: unknown) => {
      // Nodes starting together on a fresh database: another one wrote the marker first.
      if (!isDuplicateKey(err)) throw err;
    });
  }
}
