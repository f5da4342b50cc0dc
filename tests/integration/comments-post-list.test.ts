import request from 'supertest';
import type { Comment } from '@parley/protocol';
import {
  createSite,
  listComments,
  modToken,
  postComment,
  signToken,
  startNode,
  stopNode,
  uniqueId,
  type TestNode,
} from '../helpers/harness';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const OID = /^[0-9a-f]{24}$/;
const ERROR = (code: string) => ({ error: { code, message: expect.any(String) } });
const MANY = { limits: { postsPerMinutePerUser: 10000, postsPerMinutePerIp: 10000 } };

/** The exact public JSON of a fresh comment, with overrides. */
function commentShape(o: Partial<Comment> & { siteId: string; pageId: string }): Record<string, unknown> {
  return {
    id: expect.stringMatching(OID),
    parentId: null,
    depth: 0,
    author: { id: expect.any(String), name: 'Test Reader', avatar: null, guest: false },
    body: expect.any(String),
    html: expect.any(String),
    status: 'visible',
    createdAt: expect.stringMatching(ISO),
    editedAt: null,
    replyCount: 0,
    reactions: { like: 0 },
    viewer: { reacted: [] },
    ...o,
  };
}

describe('comments: post and list over REST', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(() => stopNode(node));

  test('when a reader posts, then the answer is 201 with the exact comment JSON and sanitized html', async () => {
    const site = await createSite(node);
    const res = await postComment(node, site, '/2024/x', signToken(site, { sub: 'u1' }), {
      body: '  Hello *world* <script>x</script>  ',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      comment: commentShape({
        siteId: site.siteId,
        pageId: '/2024/x',
        author: { id: 'u1', name: 'Test Reader', avatar: null, guest: false },
        body: 'Hello *world* <script>x</script>',
        html: '<p>Hello <em>world</em> &lt;script&gt;x&lt;/script&gt;</p>',
      }),
    });
  });

  test('when the site pre-moderates, then a post answers 202 pending, seen only by its author and moderators', async () => {
    const site = await createSite(node, { moderation: 'pre' });
    const author = signToken(site, { sub: 'author' });
    const res = await postComment(node, site, 'p', author, 'held back');
    expect(res.status).toBe(202);
    expect(res.body.comment).toEqual(
      commentShape({
        siteId: site.siteId,
        pageId: 'p',
        status: 'pending',
        body: 'held back',
        html: '<p>held back</p>',
        author: expect.objectContaining({ id: 'author' }),
      }),
    );
    const ids = async (token?: string) =>
      ((await listComments(node, site, 'p', {}, token)).body.comments as Comment[]).map((c) => c.id);
    expect(await ids()).toEqual([]);
    expect(await ids(signToken(site, { sub: 'someone-else' }))).toEqual([]);
    expect(await ids(author)).toEqual([res.body.comment.id]);
    expect(await ids(modToken(site))).toEqual([res.body.comment.id]);
    expect((await listComments(node, site, 'p')).body.total).toBe(0);
  });

  test('when a guest posts, then the author is marked guest: true', async () => {
    const site = await createSite(node, { guests: true });
    const tok = await request(node.url).post(`/api/v1/sites/${site.siteId}/guest-token`).send({ name: 'Visitor' });
    expect(tok.status).toBe(201);
    const res = await postComment(node, site, 'p', tok.body.token, 'as a guest');
    expect(res.status).toBe(201);
    expect(res.body.comment.author).toEqual({ id: expect.any(String), name: 'Visitor', avatar: null, guest: true });
  });

  test('when posting without a token or with a bad one, then the answer is 401 invalid_token', async () => {
    const site = await createSite(node);
    const none = await request(node.url).post(`/api/v1/sites/${site.siteId}/pages/p/comments`).send({ body: 'x' });
    expect(none.status).toBe(401);
    expect(none.body).toEqual(ERROR('invalid_token'));
    const bad = await postComment(node, site, 'p', signToken({ ...site, secret: 'wrong-secret-wrong-secret' }), 'x');
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual(ERROR('invalid_token'));
  });

  test('when the site is unknown, then list and post answer 404 not_found', async () => {
    const site = await createSite(node);
    const ghost = { siteId: uniqueId('ghost'), secret: site.secret };
    expect((await listComments(node, ghost, 'p')).body).toEqual(ERROR('not_found'));
    const res = await postComment(node, ghost, 'p', signToken(ghost), 'x');
    expect([res.status, res.body]).toEqual([404, ERROR('not_found')]);
  });

  test('when the page is locked, then a reader post answers 423 locked and a moderator may still post', async () => {
    const site = await createSite(node);
    await node.app.services.moderation.lock(
      { siteId: site.siteId, principal: { userId: 'm', name: 'M', avatar: null, guest: false, roles: ['moderator'] } },
      'p',
      true,
    );
    const res = await postComment(node, site, 'p', signToken(site), 'x');
    expect([res.status, res.body]).toEqual([423, ERROR('locked')]);
    expect((await postComment(node, site, 'p', modToken(site), 'mod note')).status).toBe(201);
  });

  test('when the same author posts the same body twice within a minute, then the second answers 409 conflict', async () => {
    const site = await createSite(node, MANY);
    const token = signToken(site);
    expect((await postComment(node, site, 'p', token, 'same words')).status).toBe(201);
    const res = await postComment(node, site, 'p', token, 'same words');
    expect([res.status, res.body]).toEqual([409, ERROR('conflict')]);
  });

  test('when the same author reposts a clientNonce, then the first comment comes back (200, same id) and no second one exists', async () => {
    const site = await createSite(node, MANY);
    const token = signToken(site, { sub: 'n1' });
    const first = await postComment(node, site, 'p', token, { body: 'once', clientNonce: 'nonce-1' });
    expect(first.status).toBe(201);
    const again = await postComment(node, site, 'p', token, { body: 'once', clientNonce: 'nonce-1' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const other = await postComment(node, site, 'p', signToken(site, { sub: 'n2' }), { body: 'once', clientNonce: 'nonce-1' });
    expect(other.status).toBe(201);
    expect(other.body.comment.id).not.toBe(first.body.comment.id);
    const list = await listComments(node, site, 'p');
    expect(list.body.total).toBe(2);
    expect(list.body.comments).toHaveLength(2);
  });

  test('when listing, then the answer is { comments, nextCursor, total } in each sort order and pages end with a null cursor', async () => {
    const site = await createSite(node, MANY);
    const reader = signToken(site, { sub: 'r' });
    const ids: string[] = [];
    for (const body of ['one', 'two', 'three']) ids.push((await postComment(node, site, 'p', reader, body)).body.comment.id);
    await request(node.url).put(`/api/v1/comments/${ids[1]}/reactions/like`).set('Authorization', `Bearer ${reader}`).expect(200);
    const page = await listComments(node, site, 'p', { sort: 'newest', limit: 2 }, reader);
    expect(page.status).toBe(200);
    expect(page.body).toEqual({
      comments: [expect.any(Object), expect.any(Object)],
      nextCursor: expect.stringMatching(/^[A-Za-z0-9_-]+$/),
      total: 3,
    });
    expect(page.body.comments[1]).toEqual(
      commentShape({
        siteId: site.siteId,
        pageId: 'p',
        id: ids[1],
        body: 'two',
        html: '<p>two</p>',
        reactions: { like: 1 },
        viewer: { reacted: ['like'] },
        author: expect.objectContaining({ id: 'r' }),
      }),
    );
    const rest = await listComments(node, site, 'p', { sort: 'newest', limit: 2, cursor: page.body.nextCursor });
    expect(rest.body).toEqual({
      comments: [expect.objectContaining({ id: ids[0], viewer: { reacted: [] } })],
      nextCursor: null,
      total: 3,
    });
    const order = async (sort: string) =>
      ((await listComments(node, site, 'p', { sort })).body.comments as Comment[]).map((c) => c.id);
    expect(await order('newest')).toEqual([ids[2], ids[1], ids[0]]);
    expect(await order('oldest')).toEqual([ids[0], ids[1], ids[2]]);
    expect(await order('top')).toEqual([ids[1], ids[2], ids[0]]);
  });

  test('when replies are posted, then parentId lists them, total is the replyCount there and the page total counts every level', async () => {
    const site = await createSite(node, MANY);
    const token = signToken(site);
    const top = (await postComment(node, site, 'p', token, 'top')).body.comment;
    const r1 = await postComment(node, site, 'p', token, { body: 'reply 1', parentId: top.id });
    expect(r1.status).toBe(201);
    expect(r1.body.comment).toMatchObject({ parentId: top.id, depth: 1 });
    await postComment(node, site, 'p', token, { body: 'reply 2', parentId: top.id });
    const replies = await listComments(node, site, 'p', { parentId: top.id, sort: 'oldest' });
    expect(replies.body).toMatchObject({ total: 2, nextCursor: null });
    expect((replies.body.comments as Comment[]).map((c) => c.body)).toEqual(['reply 1', 'reply 2']);
    const tops = await listComments(node, site, 'p');
    expect(tops.body.total).toBe(3);
    expect(tops.body.comments).toEqual([expect.objectContaining({ id: top.id, replyCount: 2 })]);
    const counts = await request(node.url).get(`/api/v1/sites/${site.siteId}/counts`).query({ page: 'p' });
    expect(counts.body).toEqual({ counts: { p: 3 } });
  });

  test('when a reply targets a comment of another page, an unknown one or a held one, then the answer is 404 or 422', async () => {
    const site = await createSite(node, { ...MANY, moderation: 'first' });
    const mod = modToken(site);
    const elsewhere = (await postComment(node, site, 'other', mod, 'elsewhere')).body.comment;
    const held = (await postComment(node, site, 'p', signToken(site), 'held')).body.comment;
    expect(held.status).toBe('pending');
    const cases: [string, number, string][] = [
      [elsewhere.id, 404, 'not_found'],
      ['0123456789abcdef01234567', 404, 'not_found'],
      [held.id, 422, 'bad_request'],
    ];
    for (const [parentId, status, code] of cases) {
      const res = await postComment(node, site, 'p', mod, { body: `reply to ${parentId}`, parentId });
      expect([res.status, res.body]).toEqual([status, ERROR(code)]);
    }
    expect((await listComments(node, site, 'p', { parentId: elsewhere.id })).status).toBe(404);
  });

  test('when replying at the depth cap, then the reply attaches to its parent level instead of nesting deeper', async () => {
    const site = await createSite(node, { ...MANY, maxDepth: 2 });
    const token = signToken(site);
    let parent = (await postComment(node, site, 'p', token, 'depth 0')).body.comment as Comment;
    for (const depth of [1, 2]) {
      parent = (await postComment(node, site, 'p', token, { body: `depth ${depth}`, parentId: parent.id })).body.comment;
      expect(parent.depth).toBe(depth);
    }
    const capped = (await postComment(node, site, 'p', token, { body: 'too deep', parentId: parent.id })).body.comment as Comment;
    expect({ depth: capped.depth, parentId: capped.parentId }).toEqual({ depth: 2, parentId: parent.parentId });
    const siblings = await listComments(node, site, 'p', { parentId: parent.parentId! });
    expect(siblings.body.total).toBe(2);
  });
});
