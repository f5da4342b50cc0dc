import { Schema, Types, trusted, type Connection, type FilterQuery, type Model } from 'mongoose';
import type { CommentDoc } from './comment.model';
import { isDuplicateKey } from '../../infra/mongo';
import { backfillDays, dayOf } from '../../infra/latest-by-day';

/**
 * The moderation queues, read day by day.
 *
 * Why: the embedded store answers a query by fetching every document its
 * pushed-down equalities match, then sorting in Go. `{ siteId, status:
 * 'pending' }` alone would fetch a site's whole backlog for every queue page
 * (ten thousand held spam comments: seconds), and even one month of a large
 * site's backlog is hundreds of rows per page. Each comment carries its
 * creation day (`day`, from its id); two small side collections list the
 * months (`queue_months`) and, per month, the days (`queue_days`) that may hold
 * queued comments, so a page reads the newest months' lists of days, then only
 * the newest days it needs, a few at once (a sparse queue spreads a page over
 * many days). Every list entry is its own document, upserted under a unique
 * index: the embedded store's updates are read-modify-write, so entries in one
 * shared document could be lost to concurrent writers. Listing is add-only
 * (`touchedAt` renewed on every hold or flag); an entry found empty is dropped
 * unless it was touched within PRUNE_AFTER_MS.
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

/** One day that may hold queued comments of a site. */
export interface QueueDayDoc extends QueueMonthDoc {
  /** `YYYY-MM-DD` (UTC) of the comments' creation. */
  day: string;
}

const monthSchema = new Schema<QueueMonthDoc>(
  {
    siteId: { type: String, required: true },
    kind: { type: String, enum: ['pending', 'flagged'], required: true },
    month: { type: String, required: true },
    touchedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
monthSchema.index({ siteId: 1, kind: 1, month: 1 }, { unique: true, name: 'site_kind_month' });

const daySchema = new Schema<QueueDayDoc>(
  {
    siteId: { type: String, required: true },
    kind: { type: String, enum: ['pending', 'flagged'], required: true },
    month: { type: String, required: true },
    day: { type: String, required: true },
    touchedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
daySchema.index({ siteId: 1, kind: 1, day: 1 }, { unique: true, name: 'site_kind_day' });
daySchema.index({ siteId: 1, kind: 1, month: 1 }, { name: 'site_kind_month' });

/** Registers the QueueMonth model on a connection. */
export function queueMonthModel(conn: Connection): Model<QueueMonthDoc> {
  return (conn.models.QueueMonth as Model<QueueMonthDoc>) ?? conn.model<QueueMonthDoc>('QueueMonth', monthSchema, 'queue_months');
}

/** Registers the QueueDay model on a connection. */
export function queueDayModel(conn: Connection): Model<QueueDayDoc> {
  return (conn.models.QueueDay as Model<QueueDayDoc>) ?? conn.model<QueueDayDoc>('QueueDay', daySchema, 'queue_days');
}

export { dayOf };

/** A listed month or day found empty is kept this long after its last hold or flag (a hold racing the prune). */
const PRUNE_AFTER_MS = 10 * 60_000;
/** How long this node skips re-touching a day it touched (a pre-moderated site holds every post). */
const TOUCH_EVERY_MS = 10_000;
/** Months (their lists of days) and days read at once: two at first, twice as many each round, up to this. */
const MAX_AT_ONCE = 8;
/** The one-time backfill's marker in `parley_meta`. */
const BACKFILL_MARKER = 'comment-days-v1';

/** The filter of one day of a queue; exported so a test can `explain()` it. */
export function queueDayFilter(siteId: string, kind: QueueKind, day: string, beforeId: string | null): FilterQuery<CommentDoc> {
  const filter: FilterQuery<CommentDoc> =
    kind === 'pending' ? { siteId, status: 'pending', day } : { siteId, flagOpen: true, day };
  if (beforeId) filter._id = trusted({ $lt: new Types.ObjectId(beforeId) });
  return filter;
}

/** Reads and maintains the months and days index of the moderation queues. */
export class QueueDays {
  readonly Month: Model<QueueMonthDoc>;
  readonly Day: Model<QueueDayDoc>;
  private readonly touched = new Map<string, number>();
  constructor(
    conn: Connection,
    private readonly Comment: Model<CommentDoc>,
  ) {
    this.Month = queueMonthModel(conn);
    this.Day = queueDayModel(conn);
  }

  /** Records that a comment of `day` entered a queue (idempotent). */
  async markHeld(siteId: string, kind: QueueKind, day: string): Promise<void> {
    const key = `${siteId}\u0000${kind}\u0000${day}`;
    const now = Date.now();
    if ((this.touched.get(key) ?? 0) > now - TOUCH_EVERY_MS) return;
    const month = day.slice(0, 7);
    const touchedAt = new Date(now);
    // Two writers upserting the same new entry: the other one created it.
    const created = (err: unknown) => {
      if (!isDuplicateKey(err)) throw err;
    };
    await Promise.all([
      this.Month.updateOne(
        { siteId, kind, month },
        { $set: { touchedAt }, $setOnInsert: { siteId, kind, month } },
        { upsert: true },
      ).catch(created),
      this.Day.updateOne(
        { siteId, kind, day },
        { $set: { touchedAt }, $setOnInsert: { siteId, kind, month, day } },
        { upsert: true },
      ).catch(created),
    ]);
    if (this.touched.size > 10_000) this.touched.clear();
    this.touched.set(key, now);
  }

  /**
   * A queue page, newest first: the lists of days of the newest months, then
   * the newest of those days, each one indexed equality lookup, a few at once.
   */
  async page(
    siteId: string,
    kind: QueueKind,
    limit: number,
    beforeId: string | null,
  ): Promise<{ docs: CommentDoc[]; more: boolean }> {
    const startDay = beforeId ? dayOf(new Types.ObjectId(beforeId)) : null;
    const months = (await this.Month.find({ siteId, kind }, { _id: 0, month: 1, touchedAt: 1 }).lean<QueueMonthDoc[]>())
      .filter((m) => !startDay || m.month <= startDay.slice(0, 7))
      .sort((a, b) => (a.month < b.month ? 1 : -1));
    const docs: CommentDoc[] = [];
    /** Listed days not read yet, newest first. */
    const days: QueueDayDoc[] = [];
    let monthsRead = 0;
    let monthsAtOnce = 2;
    let daysAtOnce = 2;
    while (docs.length <= limit) {
      if (days.length < daysAtOnce && monthsRead < months.length) {
        const round = months.slice(monthsRead, monthsRead + monthsAtOnce);
        monthsRead += round.length;
        monthsAtOnce = Math.min(monthsAtOnce * 2, MAX_AT_ONCE);
        const lists = await Promise.all(
          round.map((m) =>
            this.Day.find({ siteId, kind, month: m.month }, { _id: 0, month: 1, day: 1, touchedAt: 1 }).lean<QueueDayDoc[]>(),
          ),
        );
        for (const [i, list] of lists.entries()) if (!list.length && !beforeId) await this.pruneIfStale(siteId, kind, round[i]!);
        days.push(
          ...lists
            .flat()
            .filter((d) => !startDay || d.day <= startDay)
            .sort((a, b) => (a.day < b.day ? 1 : -1)),
        );
        continue;
      }
      if (!days.length) break;
      const round = days.splice(0, daysAtOnce);
      daysAtOnce = Math.min(daysAtOnce * 2, MAX_AT_ONCE);
      const want = limit + 1 - docs.length;
      const found = await Promise.all(
        round.map((d) =>
          this.Comment.find(queueDayFilter(siteId, kind, d.day, d.day === startDay ? beforeId : null))
            .sort({ _id: -1 })
            .limit(want)
            .lean<CommentDoc[]>(),
        ),
      );
      for (const [i, got] of found.entries()) {
        docs.push(...got);
        if (!got.length && !beforeId) await this.pruneIfStale(siteId, kind, round[i]!);
      }
    }
    return { docs: docs.slice(0, limit), more: docs.length > limit };
  }

  /** Drops a listed day (or a month, when `day` is absent) found empty, unless a hold touched it lately. */
  private async pruneIfStale(
    siteId: string,
    kind: QueueKind,
    entry: { month: string; day?: string; touchedAt: Date },
  ): Promise<void> {
    const stale = new Date(Date.now() - PRUNE_AFTER_MS);
    if (entry.touchedAt > stale) return;
    const older = { siteId, kind, touchedAt: trusted({ $lt: stale }) };
    if (entry.day) await this.Day.deleteOne({ ...older, day: entry.day });
    else await this.Month.deleteOne({ ...older, month: entry.month });
  }

  /**
   * Gives every comment stored before comments carried their day (a database
   * whose queues were read month by month, or older) its day, and lists the
   * days of the queued ones; once per database (see backfillDays).
   */
  async backfill(): Promise<void> {
    await backfillDays(this.Comment, BACKFILL_MARKER, { siteId: 1, status: 1, flagOpen: 1 }, async (c, day) => {
      if (c.status === 'pending') await this.markHeld(c.siteId, 'pending', day);
      if (c.flagOpen) await this.markHeld(c.siteId, 'flagged', day);
    });
  }
}
