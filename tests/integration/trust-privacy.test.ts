import request from 'supertest';
import type { Comment, DataExport } from '@parley/protocol';
import {
  ADMIN_KEY,
  createSite,
  emitAck,
  listComments,
  moderatorSocket,
  modToken,
  postComment,
  signToken,
  startNode,
  stopNode,
  uniqueId,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

const LIMITS = { postsPerMinutePerUser: 1000, postsPerMinutePerIp: 1000, flagsPerHourPerUser: 1000 };
const DAY = 24 * 3600 * 1000;

describe("readers' data rights", () => {
  let node: TestNode;
  let site: TestSite;
  beforeAll(async () => {
    node = await startNode();
    site = await createSite(node, { limits: LIMITS });
  });
  afterAll(() => stopNode(node));

  const as = (token: string) => ({
    export: () => request(node.url).get(`/api/v1/sites/${site.siteId}/me/export`).set('Authorization', `Bearer ${token}`),
    erase: () => request(node.url).delete(`/api/v1/sites/${site.siteId}/me`).set('Authorization', `Bearer ${token}`),
    like: (id: string) => request(node.url).put(`/api/v1/comments/${id}/reactions/like`).set('Authorization', `Bearer ${token}`),
    flag: (id: string) =>
      request(node.url).post(`/api/v1/comments/${id}/flags`).set('Authorization', `Bearer ${token}`).send({ reason: 'rude' }),
  });

  /** Ursula writes a comment (which Victor answers) and a reply to Victor, likes and flags Victor's comment. */
  async function scene() {
    const pageId = uniqueId('p');
    const ursulaId = uniqueId('ursula');
    const ursula = signToken(site, { sub: ursulaId, name: 'Ursula Quinzel', avatar: 'https://img.example/u.png' });
    const victorId = uniqueId('victor');
    const victor = signToken(site, { sub: victorId, name: 'Victor Vale' });
    const victorTop = (await postComment(node, site, pageId, victor, 'victor speaks')).body.comment as Comment;
    const ursulaTop = (await postComment(node, site, pageId, ursula, 'ursula secret opinion')).body.comment as Comment;
    const ursulaReply = (await postComment(node, site, pageId, ursula, { body: 'ursula replies', parentId: victorTop.id })).body
      .comment as Comment;
    const victorReply = (await postComment(node, site, pageId, victor, { body: 'victor answers', parentId: ursulaTop.id })).body
      .comment as Comment;
    expect((await as(ursula).like(victorTop.id)).status).toBe(200);
    expect((await as(ursula).flag(victorTop.id)).status).toBe(202);
    return { pageId, ursula, ursulaId, victor, victorId, victorTop, ursulaTop, ursulaReply, victorReply };
  }

  test("when a reader exports their data, then it holds exactly that reader's comments, reactions and flags", async () => {
    const s = await scene();
    const res = await as(s.ursula).export();
    expect(res.status).toBe(200);
    const data = res.body as DataExport;
    expect(data).toMatchObject({ siteId: site.siteId, userId: s.ursulaId, subscriptions: [] });
    expect(data.comments.map((c) => c.id).sort()).toEqual([s.ursulaTop.id, s.ursulaReply.id].sort());
    expect(data.comments[0]).toMatchObject({ authorName: 'Ursula Quinzel', authorAvatar: 'https://img.example/u.png' });
    expect(data.reactions).toEqual([{ commentId: s.victorTop.id, type: 'like', createdAt: expect.any(String) }]);
    expect(data.flags).toEqual([{ commentId: s.victorTop.id, pageId: s.pageId, reason: 'rude', createdAt: expect.any(String) }]);
    expect(data.moderation).toEqual({ banned: false, banUntil: null, trusted: false });
    expect(JSON.stringify(data)).not.toMatch(/Victor Vale|victor speaks|victor answers/);

    const byAdmin = await request(node.url)
      .get(`/api/v1/sites/${site.siteId}/users/${s.victorId}/export`)
      .set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(byAdmin.status).toBe(200);
    expect((byAdmin.body as DataExport).comments.map((c) => c.body).sort()).toEqual(['victor answers', 'victor speaks']);
    const noKey = await request(node.url).get(`/api/v1/sites/${site.siteId}/users/${s.victorId}/export`);
    expect(noKey.status).toBe(401);
    const anonymous = await request(node.url).get(`/api/v1/sites/${site.siteId}/me/export`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('invalid_token');
  });

  test('when a reader erases their data, then no listing, count or export shows their name or words', async () => {
    const s = await scene();
    const res = await as(s.ursula).erase();
    expect(res.status).toBe(200);
    expect(res.body.erased).toEqual({ comments: { tombstoned: 1, removed: 1 }, reactions: 1, flags: 1 });

    const everything = [
      await listComments(node, site, s.pageId),
      await listComments(node, site, s.pageId, {}, s.victor),
      await listComments(node, site, s.pageId, {}, modToken(site)),
      await listComments(node, site, s.pageId, { parentId: s.victorTop.id }, modToken(site)),
      await listComments(node, site, s.pageId, { parentId: s.ursulaTop.id }),
    ];
    for (const r of everything) expect(JSON.stringify(r.body)).not.toMatch(/Ursula|ursula|img\.example/);
    const top = everything[0]!.body as { comments: Comment[]; total: number };
    // Victor's two comments are what is left; Ursula's first stays as an authorless tombstone holding his answer.
    expect(top.total).toBe(2);
    const tomb = top.comments.find((c) => c.id === s.ursulaTop.id);
    expect(tomb).toMatchObject({ status: 'deleted', body: '', author: { id: null, name: null } });
    const victorTop = top.comments.find((c) => c.id === s.victorTop.id)!;
    expect(victorTop.reactions.like).toBe(0);
    expect(victorTop.replyCount).toBe(0);
    const counts = await request(node.url).get(`/api/v1/sites/${site.siteId}/counts`).query({ page: s.pageId });
    expect(counts.body.counts[s.pageId]).toBe(2);

    const after = (await as(s.ursula).export()).body as DataExport;
    expect(after.comments).toEqual([]);
    expect(after.reactions).toEqual([]);
    expect(after.flags).toEqual([]);
    const stored = await node.mongo
      .collection('comments')
      .countDocuments({ siteId: site.siteId, pageId: s.pageId, $or: [{ authorName: 'Ursula Quinzel' }, { body: /ursula/ }] });
    expect(stored).toBe(0);
  });

  test('when the site owner erases a user by id through the admin API, then that user is gone too', async () => {
    const s = await scene();
    const res = await request(node.url)
      .delete(`/api/v1/sites/${site.siteId}/users/${encodeURIComponent(s.victorId)}`)
      .set('Authorization', `Bearer ${ADMIN_KEY}`);
    expect(res.status).toBe(200);
    expect(res.body.erased.comments).toEqual({ tombstoned: 1, removed: 1 });
    const listing = await listComments(node, site, s.pageId, {}, modToken(site));
    expect(JSON.stringify(listing.body)).not.toMatch(/Victor|victor/);
    const wrongKey = await request(node.url)
      .delete(`/api/v1/sites/${site.siteId}/users/${s.ursulaId}`)
      .set('Authorization', 'Bearer not-the-admin-key-at-all');
    expect(wrongKey.status).toBe(403);
  });
});

describe('retention and IP addresses', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(() => stopNode(node));

  test('when a rejected comment outlives the retention period, then its body is purged; before that it stays', async () => {
    const site = await createSite(node, { retentionDays: 7 });
    const keep = await createSite(node);
    const mod = await moderatorSocket(node, site);
    const keepMod = await moderatorSocket(node, keep);
    const posted = await postComment(node, site, '/r', signToken(site), 'rejected words');
    await emitAck(mod, 'comment:reject', { commentId: posted.body.comment.id });
    const kept = await postComment(node, keep, '/r', signToken(keep), 'kept forever');
    await emitAck(keepMod, 'comment:reject', { commentId: kept.body.comment.id });
    const bodyOf = async (s: TestSite, id: string) =>
      ((await listComments(node, s, '/r', {}, modToken(s))).body.comments as Comment[]).find((c) => c.id === id)?.body;

    await node.app.services.privacy.purgeRetention(new Date(Date.now() + 6 * DAY));
    expect(await bodyOf(site, posted.body.comment.id)).toBe('rejected words');
    const purged = await node.app.services.privacy.purgeRetention(new Date(Date.now() + 8 * DAY));
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await bodyOf(site, posted.body.comment.id)).toBe('');
    expect(await bodyOf(keep, kept.body.comment.id)).toBe('kept forever');
  });

  test('when readers post and connect, then no Redis key holds their IP address in clear', async () => {
    const site = await createSite(node, { guests: true });
    const guest = await request(node.url).post(`/api/v1/sites/${site.siteId}/guest-token`).send({ name: 'G' });
    await postComment(node, site, '/ip', guest.body.token as string, 'counted by IP');
    await request(node.url).get(`/api/v1/sites/${site.siteId}/challenge`);
    const keys = await node.redis!.keys(`${node.redisPrefix}*`);
    expect(keys.some((k) => k.includes(':rl:'))).toBe(true);
    expect(keys.filter((k) => /127\.0\.0\.1|::1|ffff/.test(k))).toEqual([]);
  });
});
