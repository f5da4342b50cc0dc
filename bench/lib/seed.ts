import { randomBytes } from 'node:crypto';
import mongoose, { Types } from 'mongoose';
import { dayOf } from '../../server/src/modules/comments/queue-days';

/** What a seeding run wrote, for the measurements that follow. */
export interface Seeded {
  pages: string[];
  /** Top-level comments that have replies, with their page. */
  parents: { pageId: string; id: string }[];
  comments: number;
  pending: number;
  ms: number;
}

const WORDS = (
  'the a of to and in is it that for on was with as by this be at from have or an but not are which one ' +
  'article government people city report police minister said would year could water school new because ' +
  'agree disagree really think point source evidence thanks great interesting wrong right context history ' +
  'market price vote election court law story reader editor photo data study week month country'
).split(' ');

/** A deterministic pseudo-random generator (mulberry32), so runs seed the same data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function body(rand: () => number): string {
  // Most comments are a sentence or three; a few are long.
  const words = 8 + Math.floor(rand() ** 3 * 140);
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]!);
  const text = out.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

/**
 * Seeds `n` comments over `n / 20` pages of a site straight through the store
 * (the way an import writes): 20 % replies, about 1 % pending and 1 % deleted,
 * three years of dates carried in the ids, exact reply and page counters.
 */
export async function seedComments(
  mongoUri: string,
  siteId: string,
  n: number,
  opts: { batch?: number; parallel?: number; onProgress?: (done: number) => void } = {},
): Promise<Seeded> {
  const started = Date.now();
  const conn = await mongoose.createConnection(mongoUri, { maxPoolSize: 8 }).asPromise();
  const db = conn.db!;
  const rand = rng(n);
  const pageCount = Math.max(1, Math.round(n / 20));
  const pages: string[] = Array.from({ length: pageCount }, (_, i) => `/${2024 + (i % 3)}/article-${i}`);
  const batch = opts.batch ?? 2000;
  const parallel = opts.parallel ?? 3;
  const parents: Seeded['parents'] = [];
  const visibleByPage = new Map<string, number>();
  const now = Date.now();
  const span = 3 * 365 * 24 * 3600 * 1000;
  let written = 0;
  let pending = 0;
  const pendingDays = new Set<string>();
  const inFlight = new Set<Promise<unknown>>();
  const flush = async (docs: Record<string, unknown>[]): Promise<void> => {
    if (!docs.length) return;
    while (inFlight.size >= parallel) await Promise.race(inFlight);
    const p = db
      .collection('comments')
      .insertMany(docs, { ordered: false })
      .then(() => {
        written += docs.length;
        opts.onProgress?.(written);
      });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  let docs: Record<string, unknown>[] = [];
  // Pages in time order; each page's comments a few hours after it was published.
  for (let pi = 0; pi < pageCount; pi++) {
    const pageId = pages[pi]!;
    const published = now - span + Math.floor((pi / pageCount) * span);
    const perPage = pi === pageCount - 1 ? n - pi * 20 : 20;
    const tops: { doc: Record<string, unknown>; replies: number }[] = [];
    let visible = 0;
    for (let i = 0; i < perPage; i++) {
      const createdAt = new Date(published + i * 60_000 + Math.floor(rand() * 50_000));
      const asReply = tops.length > 0 && rand() < 0.2;
      const roll = rand();
      const status = roll < 0.01 ? 'pending' : roll < 0.02 ? 'deleted' : 'visible';
      if (status === 'pending') pending++;
      const text = body(rand);
      const parent = asReply ? tops[Math.floor(rand() * tops.length)]! : null;
      const _id = new Types.ObjectId(Math.floor(createdAt.getTime() / 1000));
      const doc: Record<string, unknown> = {
        _id,
        siteId,
        pageId,
        parentId: parent ? parent.doc._id : null,
        depth: parent ? 1 : 0,
        authorId: `reader-${Math.floor(rand() * Math.max(50, n / 10))}`,
        authorName: 'Reader',
        authorAvatar: null,
        authorGuest: rand() < 0.3,
        body: status === 'deleted' ? '' : text,
        html: status === 'deleted' ? '' : `<p>${text}</p>`,
        status,
        clientNonce: randomBytes(12).toString('hex'),
        createdAt,
        editedAt: null,
        replyCount: 0,
        likeCount: Math.floor(rand() ** 4 * 30),
        flagCount: 0,
        flagOpen: false,
        day: dayOf(_id),
        modReason: null,
      };
      if (status === 'pending') pendingDays.add(dayOf(_id));
      if (status === 'visible') visible++;
      if (parent) {
        if (status === 'visible') parent.replies++;
      } else tops.push({ doc, replies: 0 });
      docs.push(doc);
    }
    for (const t of tops) {
      t.doc.replyCount = t.replies;
      if (t.replies > 0 && parents.length < 5000) parents.push({ pageId, id: (t.doc._id as Types.ObjectId).toHexString() });
    }
    visibleByPage.set(pageId, visible);
    if (docs.length >= batch) {
      await flush(docs);
      docs = [];
    }
  }
  await flush(docs);
  await Promise.all(inFlight);
  const pageDocs = pages.map((pageId) => ({
    siteId,
    pageId,
    locked: false,
    visibleCount: visibleByPage.get(pageId) ?? 0,
    createdAt: new Date(),
  }));
  for (let i = 0; i < pageDocs.length; i += batch)
    await db.collection('pages').insertMany(pageDocs.slice(i, i + batch), { ordered: false });
  // The moderation queues' months and days index, as the repository keeps it (see queue-days.ts).
  if (pendingDays.size) {
    const entry = { siteId, kind: 'pending', touchedAt: new Date() };
    const months = new Set([...pendingDays].map((day) => day.slice(0, 7)));
    await db.collection('queue_months').insertMany([...months].map((month) => ({ ...entry, month })));
    await db.collection('queue_days').insertMany([...pendingDays].map((day) => ({ ...entry, month: day.slice(0, 7), day })));
  }
  await conn.close();
  return { pages, parents, comments: n, pending, ms: Date.now() - started };
}
