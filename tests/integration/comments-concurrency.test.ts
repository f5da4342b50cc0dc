import request from 'supertest';
import type { Comment, SortOrder } from '@parley/protocol';
import {
  createSite,
  listComments,
  postComment,
  signToken,
  startNode,
  stopNode,
  until,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

const MANY = { limits: { postsPerMinutePerUser: 10000, postsPerMinutePerIp: 10000 } };

describe('comments under concurrency', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(() => stopNode(node));

  /** Ids of the page's top-level visible comments, read straight from the store. */
  async function storedIds(site: TestSite, pageId: string): Promise<Set<string>> {
    const docs = await node.mongo
      .collection('comments')
      .find({ siteId: site.siteId, pageId, parentId: null, status: 'visible' }, { projection: { _id: 1 } })
      .toArray();
    return new Set(docs.map((d) => String(d._id)));
  }

  /** Pages through one sort order with limit=7, returning every id seen in order. */
  async function readAll(site: TestSite, pageId: string, sort: SortOrder): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 500; pages++) {
      const res = await listComments(node, site, pageId, { sort, limit: 7, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      const batch = res.body.comments as Comment[];
      expect(batch.length).toBeLessThanOrEqual(7);
      seen.push(...batch.map((c) => c.id));
      cursor = res.body.nextCursor as string | null;
      if (!cursor) return seen;
    }
    throw new Error('the reader never reached the end');
  }

  test('when 3 writers post 300 comments while readers page with limit=7 in each sort, then each reader sees every comment that existed at its start exactly once', async () => {
    const site = await createSite(node, MANY);
    const pageId = '/live/thread';
    // A few liked comments first, so `top` has real keys to order by (likes do not change during the reads).
    for (let i = 0; i < 6; i++) {
      const c = (await postComment(node, site, pageId, signToken(site, { sub: 'seed' }), `seed ${i}`)).body.comment as Comment;
      for (let l = 0; l < i % 3; l++)
        await request(node.url)
          .put(`/api/v1/comments/${c.id}/reactions/like`)
          .set('Authorization', `Bearer ${signToken(site)}`)
          .expect(200);
    }
    let written = 0;
    const writer = async (w: number) => {
      const token = signToken(site, { sub: `writer-${w}` });
      for (let i = 0; i < 100; i++) {
        const res = await postComment(node, site, pageId, token, `writer ${w} says ${i}`);
        expect(res.status).toBe(201);
        written++;
      }
    };
    const writers = Promise.all([0, 1, 2].map(writer));
    await until(() => written >= 30, 60_000, '30 comments written');
    const reader = async (sort: SortOrder) => {
      const before = await storedIds(site, pageId);
      const seen = await readAll(site, pageId, sort);
      return { sort, before, seen };
    };
    const results = await Promise.all((['newest', 'oldest', 'top'] as SortOrder[]).map(reader));
    await writers;
    for (const { sort, before, seen } of results) {
      expect({ sort, duplicates: seen.length - new Set(seen).size }).toEqual({ sort, duplicates: 0 });
      const missing = [...before].filter((id) => !seen.includes(id));
      expect({ sort, missing }).toEqual({ sort, missing: [] });
      // The reader really started while writers were still writing (otherwise this test proves little).
      expect(before.size).toBeGreaterThanOrEqual(36);
      expect(before.size).toBeLessThan(306);
    }
    // Every post counted once, although they raced (the counters must not lose increments).
    const final = await listComments(node, site, pageId, { limit: 1 });
    expect(final.body.total).toBe(306);
  }, 180_000);

  test('when 20 readers like one comment and 20 replies arrive at once, then likeCount, replyCount and the page total are exact', async () => {
    const site = await createSite(node, MANY);
    const top = (await postComment(node, site, 'p', signToken(site), 'hot')).body.comment as Comment;
    const likes = Array.from({ length: 20 }, (_, i) =>
      request(node.url)
        .put(`/api/v1/comments/${top.id}/reactions/like`)
        .set('Authorization', `Bearer ${signToken(site, { sub: `fan-${i}` })}`),
    );
    const replies = Array.from({ length: 20 }, (_, i) =>
      postComment(node, site, 'p', signToken(site, { sub: `replier-${i}` }), { body: `reply ${i}`, parentId: top.id }),
    );
    const answers = await Promise.all([...likes, ...replies]);
    expect(answers.map((r) => r.status)).toEqual([...Array(20).fill(200), ...Array(20).fill(201)]);
    const list = await listComments(node, site, 'p');
    expect(list.body.total).toBe(21);
    expect(list.body.comments[0]).toMatchObject({ id: top.id, replyCount: 20, reactions: { like: 20 } });
  }, 60_000);

  test('when 30 posts with the same clientNonce race, then exactly one document exists and every answer carries its id', async () => {
    const site = await createSite(node, MANY);
    const token = signToken(site, { sub: 'racer' });
    const results = await Promise.all(
      Array.from({ length: 30 }, () => postComment(node, site, 'p', token, { body: 'only once', clientNonce: 'race-1' })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201 && s !== 200)).toEqual([]);
    expect(new Set(results.map((r) => r.body.comment.id)).size).toBe(1);
    expect(await node.mongo.collection('comments').countDocuments({ siteId: site.siteId })).toBe(1);
    expect((await listComments(node, site, 'p')).body.total).toBe(1);
  }, 60_000);

  test('when 30 posts with the same clientNonce but different bodies race, then still exactly one document exists', async () => {
    const site = await createSite(node, MANY);
    const token = signToken(site, { sub: 'racer' });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => postComment(node, site, 'p', token, { body: `attempt ${i}`, clientNonce: 'race-2' })),
    );
    expect(results.map((r) => r.status).filter((s) => s !== 201 && s !== 200)).toEqual([]);
    expect(new Set(results.map((r) => r.body.comment.id)).size).toBe(1);
    expect(await node.mongo.collection('comments').countDocuments({ siteId: site.siteId })).toBe(1);
    expect((await listComments(node, site, 'p')).body.total).toBe(1);
  }, 60_000);
});
