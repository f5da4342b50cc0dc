import request from 'supertest';
import type { Comment } from '@parley/protocol';
import {
  ADMIN_KEY,
  createSite,
  emitAck,
  listComments,
  moderatorSocket,
  modToken,
  nextEvent,
  postComment,
  readerSocket,
  record,
  signToken,
  startNode,
  stopNode,
  uniqueId,
  type TestNode,
} from '../helpers/harness';

const LIMITS = { postsPerMinutePerUser: 1000, postsPerMinutePerIp: 1000 };

describe('moderation modes', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(() => stopNode(node));

  /** A site in a mode, a reader on one of its pages and a moderator socket. */
  async function setup(overrides: Record<string, unknown>) {
    const site = await createSite(node, { limits: LIMITS, ...overrides });
    const pageId = uniqueId('page');
    const reader = await readerSocket(node, { siteId: site.siteId });
    await emitAck(reader, 'page:join', { pageId });
    const mod = await moderatorSocket(node, site);
    return { site, pageId, reader, mod, seen: record(reader, 'comment:created') };
  }

  const ids = (res: request.Response) => (res.body.comments as Comment[]).map((c) => c.id);

  test('when the site is "post", then a comment is visible at once (201), listed publicly and broadcast', async () => {
    const { site, pageId, reader } = await setup({ moderation: 'post' });
    const got = nextEvent(reader, 'comment:created');
    const res = await postComment(node, site, pageId, signToken(site), 'straight out');
    expect(res.status).toBe(201);
    expect(res.body.comment.status).toBe('visible');
    expect((await got).comment.id).toBe(res.body.comment.id);
    expect(ids(await listComments(node, site, pageId))).toEqual([res.body.comment.id]);
  });

  test('when the site is "pre", then a comment is pending (202), seen only by its author and moderators until approved', async () => {
    const { site, pageId, reader, mod, seen } = await setup({ moderation: 'pre' });
    const author = signToken(site, { sub: 'pre-author' });
    const modSeen = nextEvent(mod, 'mod:comment');
    const res = await postComment(node, site, pageId, author, 'hold me');
    expect(res.status).toBe(202);
    expect(res.body.comment).toMatchObject({ status: 'pending' });
    const id = res.body.comment.id as string;
    expect((await modSeen).comment).toMatchObject({ id, status: 'pending', moderation: { reason: 'pre-moderation' } });
    expect(await listComments(node, site, pageId).then((r) => r.body)).toMatchObject({ comments: [], total: 0 });
    expect(ids(await listComments(node, site, pageId, {}, signToken(site, { sub: 'someone-else' })))).toEqual([]);
    expect(ids(await listComments(node, site, pageId, {}, author))).toEqual([id]);
    expect(ids(await listComments(node, site, pageId, {}, modToken(site)))).toEqual([id]);

    const published = nextEvent(reader, 'comment:created', (e) => e.comment.id === id);
    const ack = await emitAck(mod, 'comment:approve', { commentId: id });
    expect(ack.comment.status).toBe('visible');
    expect((await published).comment.status).toBe('visible');
    expect(ids(await listComments(node, site, pageId))).toEqual([id]);
    expect(seen.map((e) => e.comment.id)).toEqual([id]);
  });

  test('when the site is "pre", then a moderator’s own comment is never held', async () => {
    const { site, pageId } = await setup({ moderation: 'pre' });
    const res = await postComment(node, site, pageId, modToken(site), 'from the desk');
    expect(res.status).toBe(201);
    expect(res.body.comment.status).toBe('visible');
  });

  test('when the site is "first", then a reader is held until one of their comments is approved, then publishes at once', async () => {
    const { site, pageId, reader, mod } = await setup({ moderation: 'first' });
    const newcomer = signToken(site, { sub: 'newcomer' });
    const first = await postComment(node, site, pageId, newcomer, 'my first words');
    expect(first.status).toBe(202);
    expect(first.body.comment.moderation).toBeUndefined(); // the reason is for moderators
    const second = await postComment(node, site, pageId, newcomer, 'still waiting');
    expect(second.status).toBe(202);
    expect((await postComment(node, site, pageId, signToken(site, { sub: 'other' }), 'another newcomer')).status).toBe(202);

    expect(await emitAck(mod, 'comment:approve', { commentId: first.body.comment.id })).toMatchObject({ ok: true });
    const live = nextEvent(reader, 'comment:created', (e) => e.comment.body === 'now trusted');
    const third = await postComment(node, site, pageId, newcomer, 'now trusted');
    expect(third.status).toBe(201);
    expect((await live).comment.id).toBe(third.body.comment.id);
    // Earlier held comments stay in the queue for a moderator's decision.
    const queue = await emitAck(mod, 'queue:list', { status: 'pending' });
    expect(queue.comments.map((c) => c.body).sort()).toEqual(['another newcomer', 'still waiting']);
  });

  test('when the site is "first", then trust is per site: the same user elsewhere is held again', async () => {
    const one = await setup({ moderation: 'first' });
    const two = await setup({ moderation: 'first' });
    const held = await postComment(node, one.site, one.pageId, signToken(one.site, { sub: 'wanderer' }), 'on site one');
    await emitAck(one.mod, 'comment:approve', { commentId: held.body.comment.id });
    expect((await postComment(node, one.site, one.pageId, signToken(one.site, { sub: 'wanderer' }), 'again on one')).status).toBe(
      201,
    );
    expect((await postComment(node, two.site, two.pageId, signToken(two.site, { sub: 'wanderer' }), 'on site two')).status).toBe(
      202,
    );
  });

  test('when the site blocks words, then a matching comment is held with the reason and others publish', async () => {
    const { site, pageId, reader, mod, seen } = await setup({ moderation: 'post' });
    await request(node.url)
      .patch(`/api/v1/sites/${site.siteId}`)
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .send({ blockedWords: ['spamword', 'casino'] })
      .expect(200);
    const modSeen = nextEvent(mod, 'mod:comment', (e) => e.comment.status === 'pending');
    const held = await postComment(node, site, pageId, signToken(site), 'Visit my CASINO today');
    expect(held.status).toBe(202);
    expect((await modSeen).comment.moderation?.reason).toMatch(/blocked word.*casino/i);
    const ok = await postComment(node, site, pageId, signToken(site), 'casinos are a different word');
    expect(ok.status).toBe(201);
    const marker = nextEvent(reader, 'comment:created', (e) => e.comment.id === ok.body.comment.id);
    await marker;
    expect(seen.map((e) => e.comment.id)).toEqual([ok.body.comment.id]);
  });

  test('when a visible comment is edited to contain a blocked word, then it is held and readers lose it', async () => {
    const { site, pageId, reader } = await setup({ moderation: 'post', blockedWords: ['forbidden'] });
    const author = signToken(site);
    const { body } = await postComment(node, site, pageId, author, 'innocent');
    const gone = nextEvent(reader, 'comment:deleted', (e) => e.id === body.comment.id);
    const res = await request(node.url)
      .patch(`/api/v1/comments/${body.comment.id}`)
      .set('Authorization', `Bearer ${author}`)
      .send({ body: 'now forbidden' });
    expect(res.status).toBe(200);
    expect(res.body.comment.status).toBe('pending');
    await gone;
    expect(await listComments(node, site, pageId).then((r) => r.body.total)).toBe(0);
  });
});
