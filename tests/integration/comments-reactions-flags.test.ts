import request from 'supertest';
import type { Comment } from '@parley/protocol';
import {
  createSite,
  emitAck,
  listComments,
  moderatorSocket,
  nextEvent,
  postComment,
  readerSocket,
  record,
  signToken,
  startNode,
  stopNode,
  until,
  type TestNode,
} from '../helpers/harness';

const ERROR = (code: string) => ({ error: { code, message: expect.any(String) } });

describe('comments: reactions, flags and counts over REST', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(() => stopNode(node));

  const react = (method: 'put' | 'delete', id: string, token: string | null, type = 'like') => {
    const req = request(node.url)[method](`/api/v1/comments/${id}/reactions/${type}`);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  };
  const flag = (id: string, token: string, body: unknown) =>
    request(node.url)
      .post(`/api/v1/comments/${id}/flags`)
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);

  test('when readers set and unset a like, then PUT/DELETE are idempotent, counts are live and viewer.reacted follows', async () => {
    const site = await createSite(node);
    const c = (await postComment(node, site, 'p', signToken(site), 'likeable')).body.comment as Comment;
    const ana = signToken(site, { sub: 'ana' });
    const bob = signToken(site, { sub: 'bob' });
    const socket = await readerSocket(node, { siteId: site.siteId });
    await emitAck(socket, 'page:join', { pageId: 'p' });
    const updates = record(socket, 'comment:updated');

    const first = await react('put', c.id, ana);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ comment: { ...c, reactions: { like: 1 }, viewer: { reacted: ['like'] } } });
    expect((await react('put', c.id, ana)).body.comment.reactions).toEqual({ like: 1 });
    expect((await react('put', c.id, bob)).body.comment).toMatchObject({ reactions: { like: 2 }, viewer: { reacted: ['like'] } });
    const listed = async (token?: string) => ((await listComments(node, site, 'p', {}, token)).body.comments as Comment[])[0]!;
    expect(await listed(ana)).toMatchObject({ reactions: { like: 2 }, viewer: { reacted: ['like'] } });
    expect(await listed(signToken(site))).toMatchObject({ reactions: { like: 2 }, viewer: { reacted: [] } });

    expect((await react('delete', c.id, ana)).body.comment).toMatchObject({ reactions: { like: 1 }, viewer: { reacted: [] } });
    const twice = await react('delete', c.id, ana);
    expect([twice.status, twice.body.comment.reactions]).toEqual([200, { like: 1 }]);
    // Only the three real changes are announced, each with the count at that moment.
    await until(() => updates.length >= 3, 5000, 'three comment:updated');
    expect(updates.map((u) => u.comment.reactions.like)).toEqual([1, 2, 1]);
    expect(updates.every((u) => u.comment.viewer === undefined)).toBe(true);
  });

  test('when one reader sends many concurrent likes, then the count moves by exactly one', async () => {
    const site = await createSite(node);
    const c = (await postComment(node, site, 'p', signToken(site), 'popular')).body.comment as Comment;
    const ana = signToken(site, { sub: 'ana' });
    const results = await Promise.all(Array.from({ length: 10 }, () => react('put', c.id, ana)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect((await listComments(node, site, 'p')).body.comments[0].reactions).toEqual({ like: 1 });
  });

  test('when a reaction has an unknown type, no token or an unknown comment, then 400, 401 and 404', async () => {
    const site = await createSite(node);
    const c = (await postComment(node, site, 'p', signToken(site), 'x')).body.comment as Comment;
    const bad = await react('put', c.id, signToken(site), 'love');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'bad_request']);
    expect((await react('put', c.id, null)).body).toEqual(ERROR('invalid_token'));
    expect((await react('delete', '0123456789abcdef01234567', signToken(site))).body).toEqual(ERROR('not_found'));
  });

  test('when a reader flags a comment, then 202 answers the flag, moderators hear of it, and a second flag by the same reader is 409', async () => {
    const site = await createSite(node);
    const c = (await postComment(node, site, 'p', signToken(site), 'rude')).body.comment as Comment;
    const mod = await moderatorSocket(node, site);
    const heard = nextEvent(mod, 'mod:flag');
    const ana = signToken(site, { sub: 'ana' });
    const res = await flag(c.id, ana, { reason: '  spam  ', extra: 'ignored' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ flag: { commentId: c.id, reason: 'spam', createdAt: expect.stringMatching(/Z$/) } });
    expect((await heard).flag).toMatchObject({ commentId: c.id, reason: 'spam' });
    const again = await flag(c.id, ana, { reason: 'spam again' });
    expect([again.status, again.body]).toEqual([409, ERROR('conflict')]);
    expect((await flag(c.id, signToken(site), { reason: 'me too' })).status).toBe(202);
  });

  test('when a flag has no reason, no token or an unknown comment, then 400, 401 and 404', async () => {
    const site = await createSite(node);
    const c = (await postComment(node, site, 'p', signToken(site), 'x')).body.comment as Comment;
    const noReason = await flag(c.id, signToken(site), {});
    expect([noReason.status, noReason.body.error.code]).toEqual([400, 'bad_request']);
    expect((await request(node.url).post(`/api/v1/comments/${c.id}/flags`).send({ reason: 'x' })).body).toEqual(
      ERROR('invalid_token'),
    );
    expect((await flag('0123456789abcdef01234567', signToken(site), { reason: 'x' })).body).toEqual(ERROR('not_found'));
  });

  test('when counts are asked for several pages, then each gets its visible count (all levels), the same as page:join', async () => {
    const site = await createSite(node, { limits: { postsPerMinutePerUser: 10000, postsPerMinutePerIp: 10000 } });
    const token = signToken(site);
    const top = (await postComment(node, site, '/a', token, 'a1')).body.comment as Comment;
    await postComment(node, site, '/a', token, { body: 'a2', parentId: top.id });
    await postComment(node, site, 'b', token, 'b1');
    const res = await request(node.url).get(`/api/v1/sites/${site.siteId}/counts?page=%2Fa&page=b&page=never&page=b`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ counts: { '/a': 2, b: 1, never: 0 } });
    const socket = await readerSocket(node, { siteId: site.siteId });
    expect(await emitAck(socket, 'page:join', { pageId: '/a' })).toMatchObject({ ok: true, total: 2 });
  });

  test('when counts get 100 pages they answer; 101 pages, none, or an unknown site are refused', async () => {
    const site = await createSite(node);
    const pages = (n: number) => Array.from({ length: n }, (_, i) => `page=p${i}`).join('&');
    const ok = await request(node.url).get(`/api/v1/sites/${site.siteId}/counts?${pages(100)}`);
    expect([ok.status, Object.keys(ok.body.counts).length]).toEqual([200, 100]);
    const tooMany = await request(node.url).get(`/api/v1/sites/${site.siteId}/counts?${pages(101)}`);
    expect([tooMany.status, tooMany.body.error.code]).toEqual([400, 'bad_request']);
    const none = await request(node.url).get(`/api/v1/sites/${site.siteId}/counts`);
    expect([none.status, none.body.error.code]).toEqual([400, 'bad_request']);
    expect((await request(node.url).get('/api/v1/sites/no-such-site/counts?page=a')).body).toEqual(ERROR('not_found'));
  });
});
