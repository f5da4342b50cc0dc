import request from 'supertest';
import type { Comment } from '@parley/protocol';
import {
  ADMIN_KEY,
  createSite,
  emitAck,
  listComments,
  modToken,
  nextEvent,
  postComment,
  readerSocket,
  record,
  signToken,
  startModeratedSite,
  stopNode,
  uniqueId,
  type AdminClient,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

const LIMITS = { postsPerMinutePerUser: 1000, postsPerMinutePerIp: 1000 };

async function guest(node: TestNode, site: TestSite, name = 'Gus'): Promise<string> {
  const res = await request(node.url).post(`/api/v1/sites/${site.siteId}/guest-token`).send({ name });
  return res.body.token as string;
}

const counts = async (node: TestNode, site: TestSite, pageId: string) =>
  (await request(node.url).get(`/api/v1/sites/${site.siteId}/counts`).query({ page: pageId })).body.counts[pageId] as number;

describe('link holds and the honeypot', () => {
  let node: TestNode;
  let site: TestSite;
  let mod: AdminClient;
  beforeAll(async () => {
    ({ node, site, mod } = await startModeratedSite({ guests: true, limits: LIMITS, linkHold: 2 }));
  });
  afterAll(() => stopNode(node));

  test('when an untrusted author posts more links than the site allows, then 202 pending with the reason for moderators', async () => {
    const pageId = uniqueId('p');
    const res = await postComment(node, site, pageId, await guest(node, site), {
      body: 'cheap pills https://a.example http://b.example and [c](https://c.example)',
    });
    expect(res.status).toBe(202);
    expect(res.body.comment.status).toBe('pending');
    const queue = await emitAck(mod, 'queue:list', { status: 'pending' });
    const held = queue.comments.find((c) => c.id === res.body.comment.id);
    expect(held?.moderation?.reason).toMatch(/3 links .*more than 2/);
    expect(await counts(node, site, pageId)).toBe(0);
  });

  test('when the author stays within the limit, then the comment is visible at once', async () => {
    const res = await postComment(node, site, uniqueId('p'), await guest(node, site), 'see https://a.example and www.b.example');
    expect(res.status).toBe(201);
  });

  test('when a reader a moderator approved posts many links, then nothing is held', async () => {
    const userId = uniqueId('u');
    const token = signToken(site, { sub: userId });
    const first = await postComment(
      node,
      site,
      uniqueId('p'),
      token,
      'links https://1.example https://2.example https://3.example',
    );
    expect(first.status).toBe(202);
    await emitAck(mod, 'comment:approve', { commentId: first.body.comment.id });
    const later = await postComment(
      node,
      site,
      uniqueId('p'),
      token,
      'more https://4.example https://5.example https://6.example',
    );
    expect(later.status).toBe(201);
  });

  test('when a site has no linkHold, then links never hold a comment', async () => {
    const open = await createSite(node, { guests: true });
    const res = await postComment(node, open, '/p', await guest(node, open), 'https://1.x https://2.x https://3.x https://4.x');
    expect(res.status).toBe(201);
  });

  test('when a post fills the honeypot, then it is answered like a held post but nothing is stored, listed or queued', async () => {
    const pageId = uniqueId('p');
    const token = await guest(node, site, 'Bot');
    const res = await postComment(node, site, pageId, token, { body: 'buy now', honeypot: 'https://spam.example' });
    expect(res.status).toBe(202);
    expect(res.body.comment).toMatchObject({ status: 'pending', body: 'buy now' });
    const own = await listComments(node, site, pageId, {}, token);
    expect(own.body.comments).toEqual([]);
    const asMod = await listComments(node, site, pageId, {}, modToken(site));
    expect(asMod.body.comments).toEqual([]);
    const queue = await emitAck(mod, 'queue:list', { status: 'pending', limit: 100 });
    expect(queue.comments.map((c) => c.id)).not.toContain(res.body.comment.id);
    const stored = await node.mongo.collection('comments').countDocuments({ siteId: site.siteId, pageId });
    expect(stored).toBe(0);
    const metrics = await request(node.url).get('/metrics');
    expect(metrics.text).toMatch(/parley_spam_refusals_total\{reason="honeypot"\} [1-9]/);
  });
});

describe('shadow bans', () => {
  let node: TestNode;
  let site: TestSite;
  let mod: AdminClient;
  beforeAll(async () => {
    ({ node, site, mod } = await startModeratedSite({ limits: LIMITS }, { name: 'Mia' }));
  });
  afterAll(() => stopNode(node));

  test('when a user is shadow banned, then they see their comments as usual and nobody else does, until unbanned', async () => {
    const pageId = uniqueId('p');
    const userId = uniqueId('shady');
    const shady = signToken(site, { sub: userId, name: 'Shady' });
    const other = signToken(site, { name: 'Olga' });
    const ban = await emitAck(mod, 'user:ban', { userId, shadow: true, reason: 'spam ring' });
    expect(ban).toEqual({ ok: true });

    const anon = await readerSocket(node, { siteId: site.siteId });
    const own = await readerSocket(node, { siteId: site.siteId, token: shady });
    for (const s of [anon, own]) await emitAck(s, 'page:join', { pageId });
    const anonSeen = record(anon, 'comment:created');
    const modSeen = nextEvent(mod, 'mod:comment', ({ comment }) => comment.body === 'hidden words');
    const ownSeen = nextEvent(own, 'comment:created', ({ comment }) => comment.body === 'hidden words');

    const posted = await postComment(node, site, pageId, shady, 'hidden words');
    expect(posted.status).toBe(201);
    expect(posted.body.comment).toMatchObject({ status: 'visible', body: 'hidden words' });
    expect(posted.body.comment.moderation).toBeUndefined();
    const viaSocket = await emitAck(own, 'comment:post', { pageId, body: 'socket words' });
    expect(viaSocket).toMatchObject({ ok: true, comment: { status: 'visible' } });
    expect((await ownSeen).comment.id).toBe(posted.body.comment.id);
    expect((await modSeen).comment.moderation?.shadow).toBe(true);

    // The author's own listing: both comments, nothing marked.
    const mine = await listComments(node, site, pageId, {}, shady);
    expect(mine.body.comments.map((c: Comment) => c.body).sort()).toEqual(['hidden words', 'socket words']);
    expect(mine.body.comments.every((c: Comment) => c.status === 'visible' && !c.moderation)).toBe(true);
    expect(mine.body.total).toBe(2);

    // Everyone else: not listed, not counted.
    for (const token of [undefined, other]) {
      const seen = await listComments(node, site, pageId, {}, token);
      expect(seen.body.comments).toEqual([]);
      expect(seen.body.total).toBe(0);
    }
    expect(await counts(node, site, pageId)).toBe(0);
    const join = await emitAck(anon, 'page:join', { pageId });
    expect(join.total).toBe(0);

    // Moderators see them, marked.
    const asMod = await listComments(node, site, pageId, {}, modToken(site));
    expect(asMod.body.comments).toHaveLength(2);
    expect(asMod.body.comments.every((c: Comment) => c.moderation?.shadow === true)).toBe(true);

    // A visible comment afterwards reaches the anonymous reader; the shadow ones never did.
    const marker = nextEvent(anon, 'comment:created', ({ comment }) => comment.body === 'plain words');
    await postComment(node, site, pageId, other, 'plain words');
    await marker;
    expect(anonSeen.map((e) => e.comment.body)).toEqual(['plain words']);

    // A shadow reply under a public comment: its author sees the reply count rise, nobody else does.
    const parent = (await postComment(node, site, pageId, other, 'public parent')).body.comment as Comment;
    await postComment(node, site, pageId, shady, { body: 'shadow reply', parentId: parent.id });
    const replyCount = async (token: string) =>
      ((await listComments(node, site, pageId, {}, token)).body.comments as Comment[]).find((c) => c.id === parent.id)!
        .replyCount;
    expect(await replyCount(shady)).toBe(1);
    expect(await replyCount(other)).toBe(0);
    const replies = await listComments(node, site, pageId, { parentId: parent.id }, shady);
    expect(replies.body).toMatchObject({ total: 1, comments: [{ body: 'shadow reply' }] });
    expect((await listComments(node, site, pageId, { parentId: parent.id }, other)).body).toMatchObject({
      total: 0,
      comments: [],
    });

    // Others cannot reply to or react to what they cannot see.
    const reply = await postComment(node, site, pageId, other, { body: 'reply', parentId: posted.body.comment.id });
    expect(reply.status).toBe(422);
    const like = await request(node.url)
      .put(`/api/v1/comments/${posted.body.comment.id}/reactions/like`)
      .set('Authorization', `Bearer ${other}`);
    expect(like.status).toBe(404);

    // Unban ends it: the next comment is public.
    expect(await emitAck(mod, 'user:unban', { userId })).toEqual({ ok: true });
    const after = nextEvent(anon, 'comment:created', ({ comment }) => comment.body === 'back in the light');
    expect((await postComment(node, site, pageId, shady, 'back in the light')).status).toBe(201);
    await after;
    expect(await counts(node, site, pageId)).toBe(3);

    const audit = await request(node.url).get(`/api/v1/sites/${site.siteId}/audit`).set('Authorization', `Bearer ${ADMIN_KEY}`);
    const actions = (audit.body.entries as { action: string; target: { id: string }; reason: string | null }[]).filter(
      (e) => e.target.id === userId,
    );
    expect(actions.map((e) => e.action)).toEqual(['user.unban', 'user.shadowban']);
    expect(actions[1]!.reason).toBe('spam ring');
  });

  test('when a moderator approves a comment written under a shadow ban, then it becomes public and counted', async () => {
    const pageId = uniqueId('p');
    const userId = uniqueId('shady');
    await emitAck(mod, 'user:ban', { userId, shadow: true });
    const anon = await readerSocket(node, { siteId: site.siteId });
    await emitAck(anon, 'page:join', { pageId });
    const posted = await postComment(node, site, pageId, signToken(site, { sub: userId }), 'worth keeping');
    const shown = nextEvent(anon, 'comment:created', ({ comment }) => comment.id === posted.body.comment.id);
    const ack = await emitAck(mod, 'comment:approve', { commentId: posted.body.comment.id });
    expect(ack.comment.moderation?.shadow).toBeUndefined();
    await shown;
    expect(await counts(node, site, pageId)).toBe(1);
    await emitAck(mod, 'user:unban', { userId });
  });

  test('when a user is banned openly, then writes still get banned (a shadow ban is the only silent one)', async () => {
    const userId = uniqueId('loud');
    await emitAck(mod, 'user:ban', { userId });
    const res = await postComment(node, site, '/x', signToken(site, { sub: userId }), 'hello');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('banned');
  });
});
