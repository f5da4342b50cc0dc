import { Types, type FilterQuery } from 'mongoose';
import { Client } from 'pg';
import { listingQuery, type ListQuery } from '../../server/src/modules/comments/comments.repository';
import { dayOf, queueDayFilter } from '../../server/src/modules/comments/queue-days';
import { PagesRepository } from '../../server/src/modules/pages/pages.repository';
import { collectionTables, ensureStoreIndexes } from '../../server/src/infra/store-indexes';
import { startNode, type TestNode } from '../helpers/harness';

/**
 * The embedded store's half of the index proof (real MongoDB's half is
 * comments-indexes.test.ts): each hot query, asked through FerretDB, is
 * planned by PostgreSQL (FerretDB's `explain` is PostgreSQL's EXPLAIN of the SQL
 * it runs) with one of Parley's JSONB indexes and no sequential scan, on tables
 * large enough that PostgreSQL would rather scan than use a useless index.
 */

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };
type FerretExplain = { queryPlanner?: PlanNode | { Plan?: PlanNode } | PlanNode[]; filterPushdown?: boolean };

/** Every node of a PostgreSQL plan: its type, index and relation. */
function planNodes(plan: unknown): { type: string; index?: string; relation?: string }[] {
  if (Array.isArray(plan)) return plan.flatMap(planNodes);
  if (!plan || typeof plan !== 'object') return [];
  const node = plan as PlanNode;
  const here =
    typeof node['Node Type'] === 'string'
      ? [
          {
            type: node['Node Type'],
            index: node['Index Name'] as string | undefined,
            relation: node['Relation Name'] as string | undefined,
          },
        ]
      : [];
  const children = [...(node.Plans ?? []), ...('Plan' in node ? [node.Plan] : [])];
  return [...here, ...children.flatMap(planNodes)];
}

const SITE = 'explain-site';
const PAGES = 400;
const PER_PAGE = 25;
// On a real MongoDB (TEST_MONGODB_URI given) jest.config.js leaves this file out: comments-indexes.test.ts
// asserts IXSCAN there instead.
describe('embedded store: every hot query is served by an index', () => {
  let node: TestNode;
  let pg: Client;
  let tables: Map<string, string>;
  let parentId: Types.ObjectId;
  let someId: Types.ObjectId;

  beforeAll(async () => {
    if (!process.env.TEST_STORE_POSTGRES_URL)
      throw new Error('TEST_STORE_POSTGRES_URL is not set: run through jest (global setup)');
    node = await startNode({ dbName: `explain_${process.pid}` });
    const db = node.mongo.db!;
    // Seeded straight through the store (as the import does): 10,000 comments on 400 pages.
    const comments = [];
    const now = Date.now();
    for (let p = 0; p < PAGES; p++) {
      const top: Types.ObjectId[] = [];
      for (let i = 0; i < PER_PAGE; i++) {
        // An hour apart: 10,000 comments over 14 months, some two dozen a day.
        const _id = Types.ObjectId.createFromTime(Math.floor((now - (p * PER_PAGE + i) * 3_600_000) / 1000));
        const reply = i % 5 === 4 && top.length > 0;
        if (!reply) top.push(_id);
        comments.push({
          _id,
          siteId: SITE,
          pageId: `/page-${p}`,
          parentId: reply ? top[0]! : null,
          depth: reply ? 1 : 0,
          authorId: `u${(p * PER_PAGE + i) % 300}`,
          authorName: 'Seed',
          authorAvatar: null,
          authorGuest: false,
          body: `comment ${i} on page ${p}`,
          html: `<p>comment ${i} on page ${p}</p>`,
          status: i % 40 === 0 ? 'pending' : 'visible',
          clientNonce: `n-${p}-${i}`,
          createdAt: _id.getTimestamp(),
          editedAt: null,
          replyCount: 0,
          likeCount: i % 7,
          flagCount: i % 97 === 0 ? 1 : 0,
          flagOpen: i % 97 === 0,
          day: dayOf(_id),
          modReason: null,
        });
      }
    }
    for (let i = 0; i < comments.length; i += 2000) await db.collection('comments').insertMany(comments.slice(i, i + 2000));
    parentId = comments[0]!._id;
    someId = comments[1234]!._id;
    await db.collection('pages').insertMany(
      Array.from({ length: PAGES * 10 }, (_, p) => ({
        siteId: SITE,
        pageId: `/page-${p}`,
        locked: p % 500 === 0,
        visibleCount: 20,
      })),
    );
    await db
      .collection('reactions')
      .insertMany(
        comments
          .slice(0, 5000)
          .map((c, i) => ({ siteId: SITE, commentId: c._id, userId: `r${i % 1000}`, type: 'like', createdAt: new Date() })),
      );
    await db.collection('flags').insertMany(
      comments.slice(0, 5000).map((c, i) => ({
        siteId: SITE,
        commentId: c._id,
        pageId: c.pageId,
        userId: `f${i}`,
        reason: 'spam',
        createdAt: new Date(),
      })),
    );
    await db.collection('bans').insertMany(
      Array.from({ length: 5000 }, (_, i) => ({
        siteId: `other-${i}`,
        userId: `b${i}`,
        reason: null,
        until: null,
        by: 'm',
        createdAt: new Date(),
      })),
    );
    await db
      .collection('trusted_authors')
      .insertMany(Array.from({ length: 5000 }, (_, i) => ({ siteId: SITE, userId: `t${i}`, approvedBy: 'm', at: new Date() })));
    pg = new Client({ connectionString: process.env.TEST_STORE_POSTGRES_URL });
    await pg.connect();
    tables = await collectionTables(pg, node.mongo.name);
    // Fresh statistics, as autovacuum would gather them on a store that has been running.
    for (const t of tables.values()) await pg.query(`ANALYZE "${node.mongo.name}"."${t}"`);
  }, 120_000);

  afterAll(async () => {
    await pg?.end();
    await node?.mongo.db?.dropDatabase();
    await node?.close();
  });

  async function planOf(collection: string, filter: FilterQuery<unknown>) {
    const res = (await node.mongo.db!.command({
      explain: { find: collection, filter },
      verbosity: 'queryPlanner',
    })) as FerretExplain;
    return { pushdown: res.filterPushdown, nodes: planNodes(res.queryPlanner) };
  }

  const listing = (over: Partial<ListQuery>): ListQuery => ({
    siteId: SITE,
    pageId: '/page-7',
    parentId: null,
    sort: 'newest',
    limit: 20,
    after: null,
    audience: { kind: 'public' },
    ...over,
  });

  const cases: [string, string, () => FilterQuery<unknown>][] = [
    ['the top-level listing, newest', 'comments', () => listingQuery(listing({})).filter],
    [
      'the top-level listing, oldest, after a cursor',
      'comments',
      () => listingQuery(listing({ sort: 'oldest', after: { sort: 'oldest', id: someId.toHexString() } })).filter,
    ],
    [
      'the top-level listing, top, for a moderator',
      'comments',
      () => listingQuery(listing({ sort: 'top', audience: { kind: 'moderator' } })).filter,
    ],
    [
      'a reply listing',
      'comments',
      () => listingQuery(listing({ pageId: '/page-0', parentId: parentId.toHexString(), sort: 'oldest' })).filter,
    ],
    ['the lookup of a comment by id', 'comments', () => ({ _id: someId })],
    ['the nonce lookup', 'comments', () => ({ siteId: SITE, authorId: 'u3', clientNonce: 'n-9-3' })],
    ["an author's comments (privacy export, search by author)", 'comments', () => ({ siteId: SITE, authorId: 'u3' })],
    [
      "a day of a site's latest comments (feeds, Recent)",
      'comments',
      () => ({ siteId: SITE, status: 'visible', day: dayOf(someId) }),
    ],
    ['a pending queue page', 'comments', () => queueDayFilter(SITE, 'pending', dayOf(someId), someId.toHexString())],
    ['the flagged queue', 'comments', () => queueDayFilter(SITE, 'flagged', dayOf(someId), null)],
    ['the page state and counter (one of the counts)', 'pages', () => ({ siteId: SITE, pageId: '/page-42' })],
    ["a site's locked pages", 'pages', () => ({ siteId: SITE, locked: true })],
    ["a reader's reaction to a comment", 'reactions', () => ({ commentId: someId, userId: 'r3', type: 'like' })],
    ["a reader's reactions on a site", 'reactions', () => ({ userId: 'r3' })],
    [
      "a reader's reactions to one comment (after a post or a reaction)",
      'reactions',
      () => ({ userId: 'r3', commentId: someId }),
    ],
    ["a comment's flags", 'flags', () => ({ commentId: someId })],
    ["a site's bans (cached per node)", 'bans', () => ({ siteId: 'other-42' })],
    ['the trusted-author check', 'trusted_authors', () => ({ siteId: SITE, userId: 't42' })],
  ];

  test.each(cases)(
    'when %s is planned, then PostgreSQL uses a Parley index and scans no table',
    async (_name, collection, filter) => {
      const table = tables.get(collection)!;
      const { pushdown, nodes } = await planOf(collection, filter());
      expect(pushdown).toBe(true);
      const scans = nodes.filter((n) => n.relation === table || n.index);
      expect(scans.filter((n) => n.type === 'Seq Scan')).toEqual([]);
      expect(nodes.some((n) => /Index Scan/.test(n.type) && n.index?.startsWith('parley_'))).toBe(true);
    },
  );

  test('when the store indexes exist, then none keeps a GIN pending list (each write updates the index itself)', async () => {
    const res = await pg.query<{ relname: string; reloptions: string[] | null }>(
      `SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_am am ON am.oid = c.relam WHERE n.nspname = $1 AND c.relkind = 'i' AND am.amname = 'gin'`,
      [node.mongo.name],
    );
    expect(res.rows.length).toBeGreaterThanOrEqual(10);
    expect(res.rows.filter((r) => !(r.reloptions ?? []).includes('fastupdate=off')).map((r) => r.relname)).toEqual([]);
  });

  test('when an index still has a pending list (made before fastupdate = off), then the next start switches it off', async () => {
    const name = `parley_queue_${tables.get('comments')!}`.slice(0, 63);
    const optionsOf = async () =>
      (
        await pg.query<{ reloptions: string[] | null }>(
          `SELECT c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
          [node.mongo.name, name],
        )
      ).rows[0]?.reloptions ?? [];
    await pg.query(`ALTER INDEX "${node.mongo.name}"."${name}" SET (fastupdate = on)`);
    expect(await optionsOf()).toContain('fastupdate=on');
    await ensureStoreIndexes(process.env.TEST_STORE_POSTGRES_URL!, node.mongo.name);
    expect(await optionsOf()).toContain('fastupdate=off');
  });

  test('when the store holds a Parley index no query needs any more, then the next start drops it', async () => {
    const table = tables.get('comments')!;
    const retired = `parley_retired_${table}`.slice(0, 63);
    await pg.query(`CREATE INDEX "${retired}" ON "${node.mongo.name}"."${table}" USING gin ((_jsonb -> 'body') jsonb_path_ops)`);
    await ensureStoreIndexes(process.env.TEST_STORE_POSTGRES_URL!, node.mongo.name);
    const left = await pg.query(`SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = $2`, [node.mongo.name, retired]);
    expect(left.rowCount).toBe(0);
    const kept = await pg.query(`SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE 'parley\\_%'`, [
      node.mongo.name,
    ]);
    expect(kept.rowCount).toBeGreaterThanOrEqual(10);
  });

  test('when counts of 20 pages are read, then they come from those per-page lookups and are right', async () => {
    const pageIds = Array.from({ length: 20 }, (_, i) => `/page-${i * 3}`);
    const counts = await new PagesRepository(node.mongo).counts(SITE, [...pageIds, '/never-seen']);
    expect(counts).toEqual({ ...Object.fromEntries(pageIds.map((id) => [id, 20])), '/never-seen': 0 });
  });
});
