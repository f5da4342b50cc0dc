import type { Socket as ServerSocket } from 'socket.io';
import type { Comment, ParleyClient } from '@parley/sdk';
import {
  createSite,
  listComments,
  postComment,
  signToken,
  startNode,
  uniqueId,
  until,
  type TestNode,
  type TestSite,
} from '../helpers/harness';
import { closeClients, GENEROUS_LIMITS, holdHandshakes, nextReader, recordSdk, sdkClient, serverSocketOf } from './sdk-helpers';

/**
 * Drops and gaps, with the real server cutting real transports:
 * - `socket.conn.close()` on the server socket closes the WebSocket under it
 *   (reason "forced close", which Socket.IO may recover), unlike a clean close;
 * - `holdHandshakes` keeps the cut-off client away until the test lets it back;
 * - deleting the node's `sio:session:*` keys in Redis is exactly what happens
 *   when the two-minute recovery window runs out (the adapter stores each
 *   session with that TTL), so the reconnect is not recovered.
 */
describe('SDK resilience: retries without duplicates, gaps filled once and in order', () => {
  let node: TestNode;
  let site: TestSite;
  beforeAll(async () => {
    node = await startNode();
    site = await createSite(node, { limits: GENEROUS_LIMITS });
  });
  afterEach(() => closeClients());
  afterAll(async () => {
    await node.close();
  });

  const page = () => `/sdk-res/${uniqueId('p')}`;
  const tokenOf = (sub: string) => signToken(site, { sub, name: `Reader ${sub}` });

  /** A signed-in client (so its server socket can be found by user id) that has joined `pageId`. */
  async function follower(pageId: string, sub = uniqueId('u')): Promise<{ client: ParleyClient; sub: string }> {
    const client = sdkClient(node, site, tokenOf(sub));
    await client.join(pageId);
    return { client, sub };
  }

  /** Posts a marker and waits until every client has it: room emits are ordered, so anything earlier has arrived too. */
  async function settle(pageId: string, clients: ParleyClient[]): Promise<void> {
    const body = `marker ${uniqueId()}`;
    const waits = clients.map((c) => nextReader(c, 'comment:created', (e) => e.comment.body === body));
    expect((await postComment(node, site, pageId, tokenOf(uniqueId('m')), body)).status).toBe(201);
    await Promise.all(waits);
  }

  async function postMany(pageId: string, n: number): Promise<string[]> {
    const author = tokenOf(uniqueId('w'));
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await postComment(node, site, pageId, author, `missed ${i} ${uniqueId()}`);
      expect(res.status).toBe(201);
      ids.push((res.body as { comment: Comment }).comment.id);
    }
    return ids;
  }

  async function expireRecoverySessions(): Promise<void> {
    const pattern = `${node.redisPrefix}sio:session:*`;
    await until(async () => (await node.redis!.keys(pattern)).length > 0, 5000, 'the session to be persisted');
    await node.redis!.del(...(await node.redis!.keys(pattern)));
  }

  test('when the transport dies after the server stored a post but before the ack, then the retry returns the same comment and nobody sees it twice', async () => {
    const P = page();
    const { client: author, sub } = await follower(P);
    const { client: other } = await follower(P);
    const authorSeen = recordSdk(author, 'comment:created');
    const otherSeen = recordSdk(other, 'comment:created');
    const states = recordSdk(author, 'connection');
    const server: ServerSocket = serverSocketOf(node, sub);
    let posts = 0;
    server.use((packet, next) => {
      if (packet[0] === 'comment:post' && ++posts === 1) {
        // The comment is stored and broadcast; only its ack is lost with the transport.
        packet[packet.length - 1] = () => server.conn.close();
      }
      next();
    });
    const body = `survives a cut ${uniqueId()}`;
    const { comment } = await author.post(P, { body });
    expect(posts).toBe(1);
    expect(states.some((s) => s.state === 'reconnecting')).toBe(true);
    expect(states[states.length - 1]!.state).toBe('connected');
    await settle(P, [author, other]);
    const stored = ((await listComments(node, site, P, { limit: 100 })).body as { comments: Comment[] }).comments.filter(
      (c) => c.body === body,
    );
    expect(stored.map((c) => c.id)).toEqual([comment.id]);
    expect(otherSeen.filter((e) => e.comment.id === comment.id)).toHaveLength(1);
    expect(authorSeen.filter((e) => e.comment.id === comment.id)).toHaveLength(1);
  });

  test('when a post is sent while the client is cut off, then it goes over REST and is stored and delivered once', async () => {
    const P = page();
    const { client: author, sub } = await follower(P);
    const { client: other } = await follower(P);
    const otherSeen = recordSdk(other, 'comment:created');
    const release = holdHandshakes(node);
    const reconnecting = nextReader(author, 'connection', (s) => s.state === 'reconnecting');
    serverSocketOf(node, sub).conn.close();
    await reconnecting;
    const body = `posted while away ${uniqueId()}`;
    const posting = author.post(P, { body, clientNonce: uniqueId('n') });
    release();
    const { comment } = await posting;
    await settle(P, [author, other]);
    const stored = ((await listComments(node, site, P, { limit: 100 })).body as { comments: Comment[] }).comments.filter(
      (c) => c.body === body,
    );
    expect(stored.map((c) => c.id)).toEqual([comment.id]);
    expect(otherSeen.filter((e) => e.comment.id === comment.id)).toHaveLength(1);
  });

  test('when a cut-off client comes back within the recovery window, then it receives what it missed once, in order', async () => {
    const P = page();
    const { client, sub } = await follower(P);
    // Socket.IO can only recover a session that has received a room event (its offset); on a busy
    // machine the first presence update may not have arrived yet, so make sure one event has.
    await settle(P, [client]);
    const seen = recordSdk(client, 'comment:created');
    const states = recordSdk(client, 'connection');
    const release = holdHandshakes(node);
    const reconnecting = nextReader(client, 'connection', (s) => s.state === 'reconnecting');
    serverSocketOf(node, sub).conn.close();
    await reconnecting;
    const missed = await postMany(P, 3);
    release();
    await until(() => states.some((s) => s.state === 'connected'), 10_000, 'reconnect');
    expect(states.find((s) => s.state === 'connected')).toEqual({ state: 'connected', recovered: true });
    await settle(P, [client]);
    expect(seen.map((e) => e.comment.id).filter((id) => missed.includes(id))).toEqual(missed);
  });

  test('when a client comes back after its session expired, then it re-joins and refetches what it missed, once and oldest first', async () => {
    const P = page();
    const { client, sub } = await follower(P);
    const seen = recordSdk(client, 'comment:created');
    const states = recordSdk(client, 'connection');
    await settle(P, [client]);
    const release = holdHandshakes(node);
    const reconnecting = nextReader(client, 'connection', (s) => s.state === 'reconnecting');
    serverSocketOf(node, sub).conn.close();
    await reconnecting;
    const missed = await postMany(P, 7);
    await expireRecoverySessions();
    release();
    await until(() => states.some((s) => s.state === 'connected'), 10_000, 'reconnect');
    expect(states.find((s) => s.state === 'connected')).toEqual({ state: 'connected', recovered: false });
    await until(() => missed.every((id) => seen.some((e) => e.comment.id === id)), 10_000, 'the missed comments');
    // Live delivery works again on the re-joined page, after the refetched comments.
    await settle(P, [client]);
    const ids = seen.map((e) => e.comment.id);
    expect(ids.filter((id) => missed.includes(id))).toEqual(missed);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.indexOf(missed[6]!)).toBeLessThan(ids.length - 1);
  });

  test('when the server drops a client that then connects again, then the comments of the gap arrive once, in order, across pages of the listing', async () => {
    const P = page();
    const { client, sub } = await follower(P);
    const seen = recordSdk(client, 'comment:created');
    const early = await postMany(P, 2);
    await until(() => early.every((id) => seen.some((e) => e.comment.id === id)), 5000, 'the early comments');
    const gone = nextReader(client, 'connection', (s) => s.state === 'disconnected');
    // A server-side disconnect is never recoverable (Socket.IO keeps no session for it).
    serverSocketOf(node, sub).disconnect(true);
    await gone;
    const missed = await postMany(P, 55);
    await client.connect();
    await until(() => missed.every((id) => seen.some((e) => e.comment.id === id)), 10_000, 'the missed comments');
    await settle(P, [client]);
    const ids = seen.map((e) => e.comment.id);
    expect(ids.slice(0, 2)).toEqual(early);
    expect(ids.slice(2, 2 + missed.length)).toEqual(missed);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('when a client that never saw a comment of an empty page misses some, then the refetch delivers all of them', async () => {
    const P = page();
    const { client, sub } = await follower(P);
    const seen = recordSdk(client, 'comment:created');
    const gone = nextReader(client, 'connection', (s) => s.state === 'disconnected');
    serverSocketOf(node, sub).disconnect(true);
    await gone;
    const missed = await postMany(P, 2);
    await client.connect();
    await until(() => seen.length >= 2, 5000, 'the missed comments');
    await settle(P, [client]);
    expect(seen.map((e) => e.comment.id).slice(0, 2)).toEqual(missed);
  });

  test('when a comment arrives live while the gap is being refetched, then it is delivered once, after the missed ones', async () => {
    const P = page();
    const sub = uniqueId('u');
    let duringRefetch: (() => Promise<void>) | null = null;
    let live: string | null = null;
    // The refetch asks for pages of 50; the join-time probe asks for 1. Post a comment between re-join and refetch.
    const spy: typeof fetch = async (input, init) => {
      const hook = String(input).includes('limit=50') ? duringRefetch : null;
      duringRefetch = null;
      if (hook) await hook();
      return fetch(input, init);
    };
    const client = sdkClient(node, site, tokenOf(sub), { fetch: spy });
    await client.join(P);
    const seen = recordSdk(client, 'comment:created');
    const gone = nextReader(client, 'connection', (s) => s.state === 'disconnected');
    serverSocketOf(node, sub).disconnect(true);
    await gone;
    const missed = await postMany(P, 3);
    // The server emits the room event before it answers the POST, so the live copy reaches the
    // client while (or before) the refetch runs: both copies meet in the client.
    duringRefetch = async () => {
      live = (await postMany(P, 1))[0]!;
    };
    await client.connect();
    await until(() => live !== null && seen.some((e) => e.comment.id === live), 10_000, 'the live comment');
    await settle(P, [client]);
    const ids = seen.map((e) => e.comment.id);
    expect(ids.slice(0, 4)).toEqual([...missed, live]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
