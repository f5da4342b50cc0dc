import { CommentsRepository, listingQuery, type ListQuery } from '../../server/src/modules/comments/comments.repository';
import { createSite, postComment, signToken, startNode, stopNode, type TestNode } from '../helpers/harness';

/** The parts of an explain answer the tests read: MongoDB's queryPlanner or FerretDB's Plan and pushdown flag. */
type Explain = { queryPlanner: { winningPlan?: Record<string, unknown>; Plan?: string[] }; filterPushdown?: boolean };

type Keys = Record<string, number>;
type IndexInfo = { name: string; key: Keys; unique?: boolean };

/** The name of a declared index whose keys are the filter's equality fields, then the sort (either direction). */
function indexServing(filter: Record<string, unknown>, sort: Keys, indexes: IndexInfo[]): string | null {
  const equality = Object.keys(filter).filter((k) => !k.startsWith('$'));
  for (const ix of indexes) {
    const keys = Object.entries(ix.key);
    const head = keys.slice(0, equality.length).map(([k]) => k);
    const tail = keys.slice(equality.length, equality.length + Object.keys(sort).length);
    if (head.sort().join() !== [...equality].sort().join() || tail.length !== Object.keys(sort).length) continue;
    const same = tail.every(([k, d], i) => Object.keys(sort)[i] === k && sort[k] === d);
    const reversed = tail.every(([k, d], i) => Object.keys(sort)[i] === k && sort[k] === -d);
    if (same || reversed) return ix.name;
  }
  return null;
}

/** Every stage name of a MongoDB plan tree. */
function stages(plan: Record<string, unknown>): string[] {
  const children = [plan.inputStage, ...((plan.inputStages as unknown[]) ?? [])].filter(Boolean) as Record<string, unknown>[];
  return [String(plan.stage), ...children.flatMap(stages)];
}

describe('comments: indexes behind the queries', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(() => stopNode(node));

  test('when the collections are initialised, then the listing, nonce, reaction, flag and page indexes are declared, and the unique ones exist in the store', async () => {
    const repo = new CommentsRepository(node.mongo);
    const declared = repo.Comment.schema.indexes().map(([key, o]) => ({ key: key as Keys, unique: Boolean(o.unique) }));
    const stored = async (coll: string) =>
      ((await node.mongo.collection(coll).indexes()) as IndexInfo[]).map((i) => ({ key: i.key, unique: Boolean(i.unique) }));
    expect(declared).toEqual(
      expect.arrayContaining([
        { key: { siteId: 1, pageId: 1, parentId: 1, _id: -1 }, unique: false },
        { key: { siteId: 1, pageId: 1, parentId: 1, likeCount: -1, _id: -1 }, unique: false },
        { key: { siteId: 1, authorId: 1, clientNonce: 1 }, unique: true },
      ]),
    );
    // Every store enforces uniqueness; the embedded one gets no other btree (its queries use Parley's JSONB indexes).
    expect(await stored('comments')).toEqual(
      expect.arrayContaining([{ key: { siteId: 1, authorId: 1, clientNonce: 1 }, unique: true }]),
    );
    expect(await stored('reactions')).toEqual(
      expect.arrayContaining([{ key: { commentId: 1, userId: 1, type: 1 }, unique: true }]),
    );
    expect(await stored('flags')).toEqual(expect.arrayContaining([{ key: { commentId: 1, userId: 1 }, unique: true }]));
    expect(await stored('pages')).toEqual(expect.arrayContaining([{ key: { siteId: 1, pageId: 1 }, unique: true }]));
    if (process.env.TEST_STORE_POSTGRES_URL)
      expect((await stored('comments')).filter((i) => !i.unique).map((i) => i.key)).toEqual([{ _id: 1 }]);
  });

  test('when a listing query is explained in each sort, then it lines up with its index (on MongoDB: IXSCAN, never COLLSCAN)', async () => {
    const site = await createSite(node, { limits: { postsPerMinutePerUser: 10000, postsPerMinutePerIp: 10000 } });
    const token = signToken(site);
    const parent = (await postComment(node, site, 'p', token, 'parent')).body.comment.id as string;
    for (let i = 0; i < 5; i++) await postComment(node, site, 'p', token, { body: `reply ${i}`, parentId: parent });
    const repo = new CommentsRepository(node.mongo);
    const indexes = repo.Comment.schema.indexes().map(([key, o]) => ({ name: String(o.name), key: key as Keys }));
    const base = { siteId: site.siteId, pageId: 'p', limit: 7, after: null, audience: { kind: 'public' } } as const;
    const queries: ListQuery[] = [
      ...(['newest', 'oldest', 'top'] as const).map((sort) => ({ ...base, parentId: null, sort })),
      { ...base, parentId: parent, sort: 'oldest', after: { sort: 'oldest', id: parent } },
      { ...base, parentId: parent, sort: 'top', after: { sort: 'top', id: parent, likes: 3 } },
    ];
    for (const q of queries) {
      const { filter, sort } = listingQuery(q);
      const expected = q.sort === 'top' ? 'thread_by_likes' : 'thread_by_id';
      // Store-independent: the equality prefix and the sort line up with a declared index.
      expect({ sort: q.sort, index: indexServing(filter as Record<string, unknown>, sort, indexes) }).toEqual({
        sort: q.sort,
        index: expected,
      });
      const explain = (await repo.Comment.find(filter)
        .sort(sort)
        .limit(q.limit + 1)
        .explain('queryPlanner')) as unknown as Explain;
      const winning = explain.queryPlanner?.winningPlan as Record<string, unknown> | undefined;
      if (winning) {
        // Real MongoDB: the winning plan scans the index and never the collection.
        const plan = (winning.queryPlan as Record<string, unknown>) ?? winning;
        expect(stages(plan)).not.toContain('COLLSCAN');
        expect(stages(plan)).toContain('IXSCAN');
        expect(JSON.stringify(plan)).toContain(expected);
      } else {
        // The embedded store (FerretDB on PostgreSQL): the thread's equality goes down to PostgreSQL;
        // store-explain.test.ts proves on a large table that PostgreSQL serves it from Parley's index.
        expect(explain.filterPushdown).toBe(true);
      }
    }
  });

  test('when a lookup by _id is explained, then the store reports using its id index or pushdown (the explain reader is real)', async () => {
    const site = await createSite(node);
    const id = (await postComment(node, site, 'p', signToken(site), 'by id')).body.comment.id as string;
    const repo = new CommentsRepository(node.mongo);
    const explain = (await repo.Comment.find({ _id: id }).explain('queryPlanner')) as unknown as Explain;
    if (explain.queryPlanner?.winningPlan)
      expect(JSON.stringify(explain.queryPlanner.winningPlan)).toMatch(/IDHACK|EXPRESS_IXSCAN|IXSCAN/);
    else expect(explain.filterPushdown).toBe(true);
  });
});
