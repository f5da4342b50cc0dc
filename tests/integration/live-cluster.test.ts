import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { rooms } from '../../server/src/realtime/rooms';
import {
  adminSocket,
  closeSockets,
  createSite,
  emitAck,
  modToken,
  nextEvent,
  postComment,
  readerSocket,
  record,
  signToken,
  startNode,
  uniqueId,
  until,
  type ReaderClient,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

const LIMITS = { postsPerMinutePerUser: 1000, postsPerMinutePerIp: 1000 };
/** Long enough that the five posts surely land while the reader is away; no randomisation. */
const RECONNECT = { reconnection: true, reconnectionDelay: 1500, reconnectionDelayMax: 1500, randomizationFactor: 0 };

describe('live delivery across two server nodes sharing Redis', () => {
  let a: TestNode;
  let b: TestNode;
  let site: TestSite;
  let author: string;
  beforeAll(async () => {
    const redisPrefix = `ptest:${randomBytes(4).toString('hex')}:`;
    a = await startNode({ redisPrefix });
    b = await startNode({ redisPrefix });
    site = await createSite(a, { limits: LIMITS });
    author = signToken(site, { sub: 'cluster-author' });
  });
  afterAll(async () => {
    closeSockets();
    await Promise.all([a.close(), b.close()]);
  });

  /** Joins a page and waits for the presence broadcast, which gives the client its first stream offset. */
  async function joinedReader(node: TestNode, pageId: string, opts: Record<string, unknown> = {}): Promise<ReaderClient> {
    const socket = await readerSocket(node, { siteId: site.siteId }, opts);
    const presence = nextEvent(socket, 'page:presence');
    expect(await emitAck(socket, 'page:join', { pageId })).toMatchObject({ ok: true });
    await presence;
    return socket;
  }

  test('when comments are posted on node B over REST and over the socket, then readers on node A get each exactly once', async () => {
    const pageId = uniqueId('page');
    const readers = [await joinedReader(a, pageId), await joinedReader(a, pageId), await joinedReader(b, pageId)];
    const other = await joinedReader(a, uniqueId('other'));
    const logs = readers.map((s) => record(s, 'comment:created'));
    const otherLog = record(other, 'comment:created');
    const viaRest = await postComment(b, site, pageId, author, 'posted to B over REST');
    expect(viaRest.status).toBe(201);
    const writer = await readerSocket(b, { siteId: site.siteId, token: author });
    const viaSocket = await emitAck(writer, 'comment:post', {
      pageId,
      body: 'posted to B over the socket',
    });
    const last = await postComment(b, site, pageId, author, 'last one');
    await until(
      () => logs.every((log) => log.some((e) => e.comment.id === last.body.comment.id)),
      5000,
      'every reader to get the last comment',
    );
    const ids = [viaRest.body.comment.id, viaSocket.comment.id, last.body.comment.id];
    for (const log of logs) expect(log.map((e) => e.comment.id)).toEqual(ids);
    expect(otherLog).toEqual([]);
  });

  test('when a comment is edited and deleted on node B, then readers on node A get comment:updated and comment:deleted once', async () => {
    const pageId = uniqueId('page');
    const reader = await joinedReader(a, pageId);
    const updates = record(reader, 'comment:updated');
    const deletes = record(reader, 'comment:deleted');
    const { body } = await postComment(b, site, pageId, author, 'edit me across nodes');
    await request(b.url)
      .patch(`/api/v1/comments/${body.comment.id}`)
      .set('Authorization', `Bearer ${author}`)
      .send({ body: 'edited on B' })
      .expect(200);
    await request(b.url).delete(`/api/v1/comments/${body.comment.id}`).set('Authorization', `Bearer ${author}`).expect(200);
    await until(() => deletes.length > 0, 5000, 'comment:deleted on node A');
    const marker = nextEvent(reader, 'comment:created', (e) => e.comment.body === 'marker');
    await postComment(b, site, pageId, author, 'marker');
    await marker;
    expect(updates.map((e) => e.comment.body)).toEqual(['edited on B']);
    expect(deletes).toEqual([{ id: body.comment.id, pageId }]);
  });

  test('when a held comment is posted on node B, then a moderator on node A gets mod:comment and approving it there reaches readers on B once', async () => {
    const pre = await createSite(a, { moderation: 'pre', limits: LIMITS });
    const pageId = uniqueId('page');
    const mod = await adminSocket(a, { siteId: pre.siteId, token: modToken(pre) });
    const reader = await readerSocket(b, { siteId: pre.siteId });
    await emitAck(reader, 'page:join', { pageId });
    const log = record(reader, 'comment:created');
    const held = nextEvent(mod, 'mod:comment');
    const res = await postComment(b, pre, pageId, signToken(pre), 'held on B');
    expect(res.status).toBe(202);
    expect((await held).comment).toMatchObject({ id: res.body.comment.id, status: 'pending' });
    const published = nextEvent(reader, 'comment:created');
    expect(await emitAck(mod, 'comment:approve', { commentId: res.body.comment.id })).toMatchObject({ ok: true });
    expect((await published).comment).toMatchObject({ id: res.body.comment.id, status: 'visible' });
    const marker = nextEvent(reader, 'comment:created', (e) => e.comment.body === 'mod marker');
    await postComment(a, pre, pageId, modToken(pre), 'mod marker');
    await marker;
    expect(log.map((e) => e.comment.body)).toEqual(['held on B', 'mod marker']);
  });

  /**
   * Cuts the reader's transport on the server side (not a clean close), posts
   * five comments while it is away, and checks it receives all five once.
   */
  async function cutAndRecover(reconnectTo: TestNode): Promise<void> {
    const pageId = uniqueId('page');
    const reader = await joinedReader(a, pageId, RECONNECT);
    const log = record(reader, 'comment:created');
    const before = await postComment(b, site, pageId, author, 'before the cut');
    await until(() => log.length === 1, 5000, 'the first comment');
    const gone = nextEvent(reader, 'disconnect');
    // Each reconnection builds a new engine from the manager's uri: point it at the node to come back to.
    reader.io.on('reconnect_attempt', () => void ((reader.io as unknown as { uri: string }).uri = reconnectTo.url));
    const serverSocket = a.app.io.of('/').sockets.get(reader.id!);
    expect(serverSocket).toBeDefined();
    serverSocket!.conn.close();
    expect(await gone).toBe('transport close');
    const missed: string[] = [];
    for (let i = 1; i <= 5; i++)
      missed.push((await postComment(i % 2 ? a : b, site, pageId, author, `missed ${i}`)).body.comment.id);
    expect(reader.connected).toBe(false);
    await nextEvent(reader, 'connect', () => true, 10_000);
    expect(reader.recovered).toBe(true);
    expect(reconnectTo.app.io.of('/').sockets.has(reader.id!)).toBe(true);
    await until(() => log.length >= 6, 5000, 'the five missed comments');
    const marker = nextEvent(reader, 'comment:created', (e) => e.comment.body === 'after the reconnect');
    await postComment(reconnectTo, site, pageId, author, 'after the reconnect');
    await marker;
    expect(log.map((e) => e.comment.id)).toEqual([before.body.comment.id, ...missed, expect.any(String)]);
    reader.close();
  }

  test('when a reader is cut off while 5 comments are posted and reconnects to the same node, then it gets all 5 once', async () => {
    await cutAndRecover(a);
  });

  test('when a reader is cut off while 5 comments are posted and reconnects to the other node, then it gets all 5 once', async () => {
    await cutAndRecover(b);
  });

  test('when a recovered reader is on the other node, then it is still in its page room there', async () => {
    const pageId = uniqueId('page');
    const reader = await joinedReader(a, pageId, RECONNECT);
    reader.io.on('reconnect_attempt', () => void ((reader.io as unknown as { uri: string }).uri = b.url));
    a.app.io.of('/').sockets.get(reader.id!)!.conn.close();
    await nextEvent(reader, 'connect', () => true, 10_000);
    expect(reader.recovered).toBe(true);
    expect(b.app.io.of('/').sockets.get(reader.id!)?.rooms.has(rooms.page(site.siteId, pageId))).toBe(true);
    expect(await emitAck(reader, 'page:leave', { pageId })).toEqual({ ok: true });
    reader.close();
  });
});
