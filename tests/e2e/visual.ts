/**
 * Screenshot comparison against committed baselines (pixelmatch over PNGs) and
 * the fixed data the screenshots show. `UPDATE_SCREENSHOTS=1` (or
 * `npm run test:e2e:update-screenshots`) writes new baselines instead of comparing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Types, type Connection } from 'mongoose';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { renderBody } from '../../server/src/modules/comments/render';
import { SCREENSHOTS } from './browser';

/** Committed baselines. */
export const BASELINES = path.join(__dirname, '__screenshots__');
/** Per-pixel colour distance pixelmatch tolerates (0..1), and the share of pixels that may differ. */
const PIXEL_THRESHOLD = 0.1;
const MAX_DIFF_RATIO = 0.001;

/** Whether this run writes baselines rather than comparing against them. */
export const UPDATING = process.env.UPDATE_SCREENSHOTS === '1';

/** The outcome of one comparison. */
export interface Comparison {
  name: string;
  baseline: 'missing' | 'written' | 'compared';
  sizeMatches: boolean;
  diffRatio: number;
}

/**
 * Compares a screenshot with its baseline; on a mismatch the actual image and a
 * diff image are written under artifacts/screenshots/diff/ for a human to look at.
 */
export function compareScreenshot(name: string, png: Buffer): Comparison {
  const file = path.join(BASELINES, `${name}.png`);
  if (UPDATING) {
    fs.mkdirSync(BASELINES, { recursive: true });
    fs.writeFileSync(file, png);
    return { name, baseline: 'written', sizeMatches: true, diffRatio: 0 };
  }
  if (!fs.existsSync(file)) return { name, baseline: 'missing', sizeMatches: false, diffRatio: 1 };
  const expected = PNG.sync.read(fs.readFileSync(file));
  const actual = PNG.sync.read(png);
  const out = path.join(SCREENSHOTS, 'diff');
  if (expected.width !== actual.width || expected.height !== actual.height) {
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, `${name}.actual.png`), png);
    return { name, baseline: 'compared', sizeMatches: false, diffRatio: 1 };
  }
  const diff = new PNG({ width: actual.width, height: actual.height });
  const pixels = pixelmatch(expected.data, actual.data, diff.data, actual.width, actual.height, {
    threshold: PIXEL_THRESHOLD,
  });
  const diffRatio = pixels / (actual.width * actual.height);
  if (diffRatio > MAX_DIFF_RATIO) {
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, `${name}.actual.png`), png);
    fs.writeFileSync(path.join(out, `${name}.diff.png`), PNG.sync.write(diff));
  }
  return { name, baseline: 'compared', sizeMatches: true, diffRatio };
}

/** Whether a comparison is within the tolerance. */
export function withinTolerance(c: Comparison): boolean {
  return c.diffRatio <= MAX_DIFF_RATIO;
}

/** A comment to store as fixed data. */
export interface FixedComment {
  key: string;
  parent?: string;
  author: string;
  authorId?: string;
  guest?: boolean;
  body: string;
  at: string;
  likes?: number;
  status?: 'visible' | 'pending';
}

/** The thread the screenshots show: two top-level comments, one with two replies. */
export const THREAD: FixedComment[] = [
  {
    key: 'c1',
    author: 'Lucía Fernández',
    body: 'The new schedule starts on **Monday**. Does anyone know whether the night buses change too?',
    at: '2024-03-05T09:12:00Z',
    likes: 4,
  },
  {
    key: 'r1',
    parent: 'c1',
    author: 'Tomás Aguirre',
    body: 'Yes: line N3 now runs every 20 minutes.',
    at: '2024-03-05T09:30:00Z',
    likes: 1,
  },
  { key: 'r2', parent: 'c1', author: 'Inés', guest: true, body: 'Thanks, that helps.', at: '2024-03-05T09:41:00Z' },
  {
    key: 'c2',
    author: 'Marco Rossi',
    body: '> Service will improve\n\nWe will see. The `N3` was late twice this week.',
    at: '2024-03-05T10:02:00Z',
  },
];

/**
 * Stores comments with fixed authors, texts and dates directly in the store (as
 * the repository writes them), and the page's visible count, so the widget shows
 * the same thread on every run.
 */
export async function storeThread(mongo: Connection, pageId: string, comments: FixedComment[]): Promise<void> {
  const ids = new Map<string, Types.ObjectId>();
  const replies = new Map<string, number>();
  for (const c of comments)
    if (c.parent && (c.status ?? 'visible') === 'visible') replies.set(c.parent, (replies.get(c.parent) ?? 0) + 1);
  for (const c of comments) {
    const _id = new Types.ObjectId();
    ids.set(c.key, _id);
    await mongo.collection('comments').insertOne({
      _id,
      siteId: 'demo',
      pageId,
      parentId: c.parent ? ids.get(c.parent)! : null,
      depth: c.parent ? 1 : 0,
      authorId: c.authorId ?? `fixed-${c.key}`,
      authorName: c.author,
      authorAvatar: null,
      authorGuest: Boolean(c.guest),
      body: c.body,
      html: renderBody(c.body),
      status: c.status ?? 'visible',
      clientNonce: `fixed-${_id.toHexString()}`,
      createdAt: new Date(c.at),
      editedAt: null,
      replyCount: replies.get(c.key) ?? 0,
      likeCount: c.likes ?? 0,
      flagCount: 0,
      flagOpen: false,
      modReason: c.status === 'pending' ? 'pre-moderation' : null,
    });
  }
  const visible = comments.filter((c) => (c.status ?? 'visible') === 'visible').length;
  await mongo
    .collection('pages')
    .updateOne(
      { siteId: 'demo', pageId },
      { $set: { visibleCount: visible }, $setOnInsert: { locked: false, title: null, url: null, createdAt: new Date() } },
      { upsert: true },
    );
}
