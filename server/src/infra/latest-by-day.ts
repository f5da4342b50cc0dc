import { Types, trusted, type FilterQuery, type Model } from 'mongoose';
import { isDuplicateKey } from './mongo';

const DAY_MS = 86_400_000;
/** Days a latest-first read walks back one by one before it reads the rest in one query. */
export const DAYS_WALKED = 62;

/** The `YYYY-MM-DD` (UTC) a document was created on, from its id's timestamp. */
export function dayOf(id: Types.ObjectId): string {
  return id.getTimestamp().toISOString().slice(0, 10);
}

/**
 * The newest `limit` documents matching `filter` (older than `beforeId`),
 * newest first, read one creation day at a time (each an equality on the
 * documents' `day` field, which the embedded store serves from an index), a
 * few days at once, back DAYS_WALKED days; older ones (a quiet site) in one
 * query. Why: a filter of only `{ siteId }` is a site's every document, which
 * the embedded store would fetch and sort in Go for each read. Returns up to
 * `limit` documents; the caller asks one more than it shows to know if more follow.
 */
export async function latestByDay<D extends { day?: string }>(
  model: Model<D>,
  filter: FilterQuery<D>,
  beforeId: string | null,
  limit: number,
): Promise<(D & { _id: Types.ObjectId })[]> {
  const latest = (f: FilterQuery<D>, before: Types.ObjectId | null, n: number) =>
    model
      .find(before ? ({ ...f, _id: trusted({ $lt: before }) } as FilterQuery<D>) : f)
      .sort({ _id: -1 })
      .limit(n)
      .lean<(D & { _id: Types.ObjectId })[]>();
  const before = beforeId ? new Types.ObjectId(beforeId) : null;
  const from = before ? before.getTimestamp() : new Date();
  const firstDay = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  const docs: (D & { _id: Types.ObjectId })[] = [];
  let walked = 0;
  for (let n = 1; walked < DAYS_WALKED && docs.length < limit; n = Math.min(n * 2, 8)) {
    const days = Array.from({ length: Math.min(n, DAYS_WALKED - walked) }, (_, i) => firstDay - (walked + i) * DAY_MS);
    walked += days.length;
    const want = limit - docs.length;
    const found = await Promise.all(
      days.map((d) => latest({ ...filter, day: new Date(d).toISOString().slice(0, 10) } as FilterQuery<D>, before, want)),
    );
    docs.push(...found.flat());
  }
  if (docs.length < limit) {
    const olderThanWalked = Types.ObjectId.createFromTime((firstDay - (walked - 1) * DAY_MS) / 1000);
    docs.push(...(await latest(filter, olderThanWalked, limit - docs.length)));
  }
  return docs;
}

/**
 * Gives every document of `model` stored before it carried its `day` that
 * field, once per database (a marker in `parley_meta`); `each` sees every
 * document given a day (the moderation queues list the queued ones). Its one
 * query is a scan on the embedded store, paid once; on a new database it reads
 * an empty collection.
 */
export async function backfillDays<D>(
  model: Model<D>,
  marker: string,
  project: Record<string, 1>,
  each: (doc: D & { _id: Types.ObjectId }, day: string) => Promise<void> = async () => undefined,
): Promise<void> {
  const meta = model.db.collection<{ _id: string; at: Date }>('parley_meta');
  if (await meta.findOne({ _id: marker })) return;
  const cursor = model
    .find({ day: trusted({ $exists: false }) } as FilterQuery<D>, { _id: 1, ...project })
    .lean<(D & { _id: Types.ObjectId })[]>()
    .cursor();
  let batch: { updateOne: { filter: { _id: Types.ObjectId }; update: { $set: { day: string } } } }[] = [];
  const flush = async () => {
    if (batch.length) await model.collection.bulkWrite(batch, { ordered: false });
    batch = [];
  };
  for await (const doc of cursor) {
    const day = dayOf(doc._id);
    batch.push({ updateOne: { filter: { _id: doc._id }, update: { $set: { day } } } });
    if (batch.length >= 500) await flush();
    await each(doc, day);
  }
  await flush();
  await meta.updateOne({ _id: marker }, { $set: { at: new Date() } }, { upsert: true }).catch((err: unknown) => {
    // Nodes starting together on a fresh database: another one wrote the marker first.
    if (!isDuplicateKey(err)) throw err;
  });
}
