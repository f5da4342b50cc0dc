import request from 'supertest';
import type { EventPayload, ServerToClientEvents } from '@parley/protocol';
import {
  createSite,
  emitAck,
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
  type ReaderClient,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

/** Generous limits: these tests post many comments from one user and one IP. */
const LIMITS = { postsPerMinutePerUser: 1000, postsPerMinutePerIp: 1000 };

describe('live delivery to the readers of a page (one node)', () => {
  let node: TestNode;
  let site: TestSite;
  let author: string;
  let p1: ReaderClient;
  let p2: ReaderClient;
  let q: ReaderClient;
  const P = '/2026/live-p';
  const Q = '/2026/live-q';

  beforeAll(async () => {
    node = await startNode();
    site = await createSite(node, { limits: LIMITS });
    author = signToken(site, { sub: 'author-1', name: 'Ana' });
    [p1, p2, q] = await Promise.all([
      readerSocket(node, { siteId: site.siteId }),
      readerSocket(node, { siteId: site.siteId }),
      readerSocket(node, { siteId: site.siteId }),
    ]);
    await Promise.all([
      emitAck(p1, 'page:join', { pageId: P }),
      emitAck(p2, 'page:join', { pageId: P }),
      emitAck(q, 'page:join', { pageId: Q }),
    ]);
  });
  afterAll(() => stopNode(node));

  /**
   * Posts a marker comment to both pages and waits until every reader has it.
   * Room emits are ordered, so once the marker is in, any duplicate or leak of
   * an earlier event would already have arrived.
   */
  async function settle(): Promise<void> {
    const marks = [P, Q].map((pageId) => ({ pageId, body: `marker ${uniqueId()}` }));
    const waits = [p1, p2].map((s) => nextEvent(s, 'comment:created', (e) => e.comment.body === marks[0]!.body));
    waits.push(nextEvent(q, 'comment:created', (e) => e.comment.body === marks[1]!.body));
    for (const m of marks) expect((await postComment(node, site, m.pageId, author, m.body)).status).toBe(201);
    await Promise.all(waits);
  }

  /** Counts events about one comment id per socket. */
  function watch<E extends keyof ServerToClientEvents>(event: E, id: (payload: EventPayload<ServerToClientEvents, E>) => string) {
    const logs = [p1, p2, q].map((s) => record(s, event));
    return (commentId: string) => logs.map((log) => log.filter((p) => id(p) === commentId).length);
  }

  test('when a comment is posted over REST, then both readers of its page get it exactly once and the other page never', async () => {
    const seen = watch('comment:created', (e) => e.comment.id);
    const res = await postComment(node, site, P, author, 'hello over REST');
    expect(res.status).toBe(201);
    await settle();
    expect(seen(res.body.comment.id)).toEqual([1, 1, 0]);
  });

  test('when a comment is posted over the socket, then the ack carries it and both page readers get it once, the other page never', async () => {
    const seen = watch('comment:created', (e) => e.comment.id);
    const writer = await readerSocket(node, { siteId: site.siteId, token: author });
    const ack = await emitAck(writer, 'comment:post', {
      pageId: P,
      body: 'hello over the socket',
    });
    expect(ack).toMatchObject({ ok: true, comment: { pageId: P, status: 'visible', body: 'hello over the socket' } });
    await settle();
    expect(seen(ack.comment.id)).toEqual([1, 1, 0]);
    writer.close();
  });

  test('when the broadcast carries a comment, then it has no viewer field (same bytes for every reader)', async () => {
    const got = nextEvent(p1, 'comment:created', (e) => e.comment.body === 'no viewer');
    await postComment(node, site, P, author, 'no viewer');
    const { comment } = await got;
    expect(comment.viewer).toBeUndefined();
    expect(comment.moderation).toBeUndefined();
  });

  test('when a comment is edited, then page readers get comment:updated once with the new body, the other page never', async () => {
    const { body } = await postComment(node, site, P, author, 'before edit');
    const seen = watch('comment:updated', (e) => e.comment.id);
    const got = nextEvent(p1, 'comment:updated', (e) => e.comment.id === body.comment.id);
    const res = await request(node.url)
      .patch(`/api/v1/comments/${body.comment.id}`)
      .set('Authorization', `Bearer ${author}`)
      .send({ body: 'after edit' });
    expect(res.status).toBe(200);
    expect((await got).comment).toMatchObject({ body: 'after edit', editedAt: expect.any(String) });
    await settle();
    expect(seen(body.comment.id)).toEqual([1, 1, 0]);
  });

  test('when a reader reacts, then page readers get comment:updated once with the new count, the other page never', async () => {
    const { body } = await postComment(node, site, P, author, 'react to me');
    const seen = watch('comment:updated', (e) => e.comment.id);
    const got = nextEvent(p2, 'comment:updated', (e) => e.comment.id === body.comment.id);
    const fan = signToken(site, { sub: 'fan-1' });
    const res = await request(node.url)
      .put(`/api/v1/comments/${body.comment.id}/reactions/like`)
      .set('Authorization', `Bearer ${fan}`);
    expect(res.status).toBe(200);
    expect((await got).comment.reactions).toEqual({ like: 1 });
    // Idempotent: setting it again changes nothing, so nothing is broadcast.
    await request(node.url)
      .put(`/api/v1/comments/${body.comment.id}/reactions/like`)
      .set('Authorization', `Bearer ${fan}`)
      .expect(200);
    await settle();
    expect(seen(body.comment.id)).toEqual([1, 1, 0]);
  });

  test('when a comment is deleted, then page readers get comment:deleted once, the other page never', async () => {
    const { body } = await postComment(node, site, P, author, 'delete me');
    const seen = watch('comment:deleted', (e) => e.id);
    const got = nextEvent(p1, 'comment:deleted', (e) => e.id === body.comment.id);
    await request(node.url).delete(`/api/v1/comments/${body.comment.id}`).set('Authorization', `Bearer ${author}`).expect(200);
    expect(await got).toEqual({ id: body.comment.id, pageId: P });
    await settle();
    expect(seen(body.comment.id)).toEqual([1, 1, 0]);
  });

  test('when a reader leaves a page, then it no longer receives that page', async () => {
    const leaver = await readerSocket(node, { siteId: site.siteId });
    await emitAck(leaver, 'page:join', { pageId: P });
    expect(await emitAck(leaver, 'page:leave', { pageId: P })).toEqual({ ok: true });
    const log = record(leaver, 'comment:created');
    await settle();
    expect(log).toEqual([]);
    leaver.close();
  });
});

describe('live delivery of held comments (pre-moderated site)', () => {
  let node: TestNode;
  afterAll(() => stopNode(node));
  beforeAll(async () => {
    node = await startNode();
  });

  test('when a comment is held, then other readers never get it, the author’s own sockets do, and so do moderators', async () => {
    const site = await createSite(node, { moderation: 'pre', limits: LIMITS });
    const author = signToken(site, { sub: 'held-author' });
    const reader = await readerSocket(node, { siteId: site.siteId });
    const own = await readerSocket(node, { siteId: site.siteId, token: author }); // a second tab of the author, not on the page
    const mod = await moderatorSocket(node, site);
    await emitAck(reader, 'page:join', { pageId: 'held' });
    const readerLog = record(reader, 'comment:created');
    const ownGot = nextEvent(own, 'comment:created');
    const modGot = nextEvent(mod, 'mod:comment');
    const res = await postComment(node, site, 'held', author, 'please hold me');
    expect(res.status).toBe(202);
    expect((await ownGot).comment).toMatchObject({ id: res.body.comment.id, status: 'pending' });
    expect((await modGot).comment).toMatchObject({
      id: res.body.comment.id,
      status: 'pending',
      moderation: { reason: 'pre-moderation' },
    });
    // A moderator's own comment is never held, so it proves the room is live after the held one.
    const marker = nextEvent(reader, 'comment:created', (e) => e.comment.body === 'moderator marker');
    expect((await postComment(node, site, 'held', modToken(site), 'moderator marker')).status).toBe(201);
    await marker;
    expect(readerLog.map((e) => e.comment.body)).toEqual(['moderator marker']);
  });
});
