import type { Comment } from '@parley/protocol';
import {
  ConflictError,
  InvalidTokenError,
  isParleyError,
  isRateLimitedError,
  NotFoundError,
  RateLimitedError,
  type ParleyClient,
} from '@parley/sdk';
import { createSite, postComment, signToken, startNode, uniqueId, until, type TestNode, type TestSite } from '../helpers/harness';
import { closeClients, GENEROUS_LIMITS, nextReader, recordSdk, sdkClient } from './sdk-helpers';

describe('SDK reader client against a real node', () => {
  let node: TestNode;
  let site: TestSite;
  beforeAll(async () => {
    node = await startNode();
    site = await createSite(node, { limits: GENEROUS_LIMITS, guests: true });
  });
  afterEach(() => closeClients());
  afterAll(async () => {
    await node.close();
  });

  const page = () => `/sdk/${uniqueId('p')}`;
  const reader = (sub = uniqueId('u')) => signToken(site, { sub, name: `Reader ${sub}` });

  /** A client that has joined `pageId`. */
  async function joined(pageId: string, token: string | null = null): Promise<ParleyClient> {
    const client = sdkClient(node, site, token);
    await client.join(pageId);
    return client;
  }

  test('when a client lists a page with cursors, then the pages chain without overlap in the requested order', async () => {
    const P = page();
    const author = reader();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(((await postComment(node, site, P, author, `c${i}`)).body as { comment: Comment }).comment.id);
    const client = sdkClient(node, site);
    const seen: string[] = [];
    let cursor: string | null = null;
    let calls = 0;
    do {
      const res = await client.list(P, { sort: 'oldest', limit: 2, cursor });
      expect(res.total).toBe(5);
      seen.push(...res.comments.map((c) => c.id));
      cursor = res.nextCursor;
      calls++;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect(calls).toBe(3);
    const newest = await client.list(P, { limit: 1 });
    expect(newest.comments[0]!.id).toBe(ids[4]);
  });

  test('when a client posts, then it resolves visible and a second client gets comment:created exactly once', async () => {
    const P = page();
    const other = await joined(P);
    const created = recordSdk(other, 'comment:created');
    const poster = await joined(P, reader());
    const body = `hello ${uniqueId()}`;
    const { comment, status } = await poster.post(P, { body });
    expect(status).toBe('visible');
    expect(comment).toMatchObject({ body, pageId: P, status: 'visible', parentId: null });
    await until(() => created.length > 0, 5000, 'comment:created');
    const marker = await poster.post(P, { body: `marker ${uniqueId()}` });
    await until(() => created.some((e) => e.comment.id === marker.comment.id), 5000, 'marker');
    expect(created.filter((e) => e.comment.id === comment.id)).toHaveLength(1);
    const reply = await poster.post(P, { body: 'a reply', parentId: comment.id });
    expect(reply.comment).toMatchObject({ parentId: comment.id, depth: 1 });
  });

  test('when a client posts twice with the same clientNonce, then the second call returns the first comment', async () => {
    const P = page();
    const poster = sdkClient(node, site, reader());
    const clientNonce = uniqueId('nonce');
    const first = await poster.post(P, { body: 'only once', clientNonce });
    await poster.connect();
    const second = await poster.post(P, { body: 'only once', clientNonce });
    expect(second.comment.id).toBe(first.comment.id);
    const { comments } = await poster.list(P);
    expect(comments).toHaveLength(1);
  });

  test('when the author edits and then removes a comment, then readers get comment:updated and comment:deleted', async () => {
    const P = page();
    const watcher = await joined(P);
    const author = sdkClient(node, site, reader());
    const { comment } = await author.post(P, { body: 'first draft' });
    const updated = nextReader(watcher, 'comment:updated', (e) => e.comment.id === comment.id);
    const edited = await author.edit(comment.id, 'second draft');
    expect(edited.body).toBe('second draft');
    expect(edited.editedAt).not.toBeNull();
    expect((await updated).comment.body).toBe('second draft');
    const deleted = nextReader(watcher, 'comment:deleted', (e) => e.id === comment.id);
    await author.remove(comment.id);
    expect(await deleted).toEqual({ id: comment.id, pageId: P });
  });

  test('when a reader reacts and un-reacts, then the counts and the viewer state follow and readers get the new counts', async () => {
    const P = page();
    const watcher = await joined(P);
    const author = sdkClient(node, site, reader());
    const { comment } = await author.post(P, { body: 'like me' });
    const fan = sdkClient(node, site, reader());
    const liveLike = nextReader(watcher, 'comment:updated', (e) => e.comment.id === comment.id && e.comment.reactions.like === 1);
    const liked = await fan.react(comment.id);
    expect(liked.reactions.like).toBe(1);
    expect(liked.viewer?.reacted).toEqual(['like']);
    await liveLike;
    expect((await fan.react(comment.id, 'like', true)).reactions.like).toBe(1);
    const unliked = await fan.react(comment.id, 'like', false);
    expect(unliked.reactions.like).toBe(0);
    expect(unliked.viewer?.reacted).toEqual([]);
  });

  test('when a reader flags a comment twice, then the first resolves and the second is refused', async () => {
    const P = page();
    const author = sdkClient(node, site, reader());
    const { comment } = await author.post(P, { body: 'flag me' });
    const flagger = sdkClient(node, site, reader());
    await expect(flagger.flag(comment.id, 'spam')).resolves.toBeUndefined();
    const again = await flagger.flag(comment.id, 'spam').catch((e: unknown) => e);
    expect(isParleyError(again)).toBe(true);
    expect(again).toBeInstanceOf(ConflictError);
  });

  test('when a client asks for counts of several pages, then it gets one number per page, zero for empty ones', async () => {
    const [A, B, C] = [page(), page(), page()];
    const author = sdkClient(node, site, reader());
    await author.post(A, { body: 'a1' });
    await author.post(A, { body: 'a2' });
    await author.post(B, { body: 'b1' });
    expect(await author.counts([A, B, C])).toEqual({ [A]: 2, [B]: 1, [C]: 0 });
    expect(await author.counts([])).toEqual({});
  });

  test('when a client asks for the site settings, then it learns whether guests may post and the edit window', async () => {
    const client = sdkClient(node, site, reader());
    const settings = await client.settings();
    expect(settings).toMatchObject({ siteId: site.siteId, editWindowSec: 900, maxDepth: 3, maxBodyChars: 5000 });
    expect(typeof settings.guests).toBe('boolean');
  });

  test('when a guest asks for a guest token and sets it, then it can post as a guest', async () => {
    const P = page();
    const client = await joined(P);
    const { token, expiresAt } = await client.guestToken('Guest Gabi');
    expect(typeof token).toBe('string');
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    expect(client.token).toBeNull();
    client.setToken(token);
    expect(client.token).toBe(token);
    const { comment } = await client.post(P, { body: 'guest words' });
    expect(comment.author).toMatchObject({ name: 'Guest Gabi', guest: true });
  });

  test('when an anonymous reader sets a token, then REST uses it at once and the socket reconnects and re-joins its pages', async () => {
    const P = page();
    const client = await joined(P);
    const states = recordSdk(client, 'connection');
    const refused = await client.post(P, { body: 'anonymous' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidTokenError);
    const sub = uniqueId('u');
    client.setToken(reader(sub));
    const viaRest = await client.react((await sdkClient(node, site, reader()).post(P, { body: 'target' })).comment.id);
    expect(viaRest.viewer?.reacted).toEqual(['like']);
    await until(() => states.some((s) => s.state === 'connected'), 5000, 'reconnect');
    expect(states[0]).toEqual({ state: 'reconnecting', recovered: false });
    expect(node.app.io.of('/').sockets.size).toBeGreaterThan(0);
    const live = nextReader(client, 'comment:created', (e) => e.comment.body === 'after the switch');
    await postComment(node, site, P, reader(), 'after the switch');
    await live;
    const { comment } = await client.post(P, { body: 'signed in now' });
    expect(comment.author.id).toBe(sub);
  });

  test('when the token is invalid, then connect rejects with InvalidTokenError', async () => {
    const client = sdkClient(node, site, 'not-a-jwt');
    const err = await client.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidTokenError);
    expect((err as InvalidTokenError).code).toBe('invalid_token');
    expect(client.state).toBe('disconnected');
  });

  test('when a refused client sets a valid token, then it connects with it by itself', async () => {
    const client = sdkClient(node, site, 'not-a-jwt');
    await expect(client.connect()).rejects.toBeInstanceOf(InvalidTokenError);
    const connected = nextReader(client, 'connection', (s) => s.state === 'connected');
    client.setToken(reader());
    expect(await connected).toEqual({ state: 'connected', recovered: false });
    expect(client.state).toBe('connected');
  });

  test('when a resource is missing or a body repeats, then the matching error classes are thrown', async () => {
    const client = sdkClient(node, site, reader());
    await expect(client.edit('0123456789abcdef01234567', 'x')).rejects.toBeInstanceOf(NotFoundError);
    const P = page();
    await client.post(P, { body: 'same words' });
    await expect(client.post(P, { body: 'same words' })).rejects.toBeInstanceOf(ConflictError);
    const ghost = sdkClient(node, { siteId: uniqueId('nosite'), secret: 'x' });
    await expect(ghost.list(P)).rejects.toBeInstanceOf(NotFoundError);
    await expect(ghost.connect()).rejects.toBeInstanceOf(NotFoundError);
  });

  test('when a user posts over the per-user limit, then RateLimitedError carries retryAfterMs over the socket and over REST', async () => {
    const limited = await createSite(node, { limits: { ...GENEROUS_LIMITS, postsPerMinutePerUser: 1 } });
    const token = signToken(limited, { sub: uniqueId('u'), name: 'Fast' });
    const P = page();
    const viaSocket = sdkClient(node, limited, token);
    await viaSocket.join(P);
    await viaSocket.post(P, { body: 'one' });
    const socketErr = await viaSocket.post(P, { body: 'two' }).catch((e: unknown) => e);
    expect(socketErr).toBeInstanceOf(RateLimitedError);
    expect(isRateLimitedError(socketErr)).toBe(true);
    expect((socketErr as RateLimitedError).retryAfterMs).toBeGreaterThan(0);
    const viaRest = sdkClient(node, limited, token);
    const restErr = await viaRest.post(P, { body: 'three' }).catch((e: unknown) => e);
    expect(restErr).toBeInstanceOf(RateLimitedError);
    expect((restErr as RateLimitedError).status).toBe(429);
    expect((restErr as RateLimitedError).retryAfterMs).toBeGreaterThan(0);
    expect((restErr as RateLimitedError).retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  test('when a second reader opens a page, then the first gets page:presence with both', async () => {
    const P = page();
    const first = await joined(P);
    const presence = nextReader(first, 'page:presence', (e) => e.pageId === P && e.readers >= 2);
    const second = await joined(P);
    expect((await presence).readers).toBe(2);
    await second.leave(P);
  });

  test('when a client unsubscribes, then its listener gets no more events', async () => {
    const P = page();
    const client = await joined(P);
    const seen: string[] = [];
    const off = client.on('comment:created', (e) => seen.push(e.comment.body));
    await postComment(node, site, P, reader(), 'first');
    await until(() => seen.length === 1, 5000, 'first event');
    off();
    const marker = nextReader(client, 'comment:created', (e) => e.comment.body === 'second');
    await postComment(node, site, P, reader(), 'second');
    await marker;
    expect(seen).toEqual(['first']);
  });
});
