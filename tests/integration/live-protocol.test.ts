import type { Socket as ClientSocket } from 'socket.io-client';
import {
  adminSocket,
  createSite,
  emitAck,
  listComments,
  metric,
  nextEvent,
  readerSocket,
  signToken,
  startNode,
  stopNode,
  until,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

type FailAck = { ok: false; error: { code: string; message: string } };

/** Payloads that are wrong for every reader event (missing, wrong types, bad ids). */
const BAD_PAGE_PAYLOADS: unknown[] = [
  undefined,
  null,
  'page-1',
  42,
  [],
  {},
  { pageId: 5 },
  { pageId: 'has space' },
  { pageId: '' },
  { pageId: 'x'.repeat(257) },
  { pageId: 'a\u0000b' },
];
const BAD_POST_PAYLOADS: unknown[] = [
  ...BAD_PAGE_PAYLOADS,
  { pageId: 'p' },
  { pageId: 'p', body: '   ' },
  { pageId: 'p', body: 7 },
  { pageId: 'p', body: 'x'.repeat(5001) },
  { pageId: 'p', body: 'ok', parentId: 'not-an-id' },
  { pageId: 'p', body: 'ok', clientNonce: 'has space!' },
];

/** Emits with an ack; `undefined` payload means the client sent only the ack callback. */
function emitRaw(socket: ClientSocket, event: string, payload: unknown): Promise<unknown> {
  const s = socket.timeout(3000);
  return payload === undefined ? s.emitWithAck(event) : s.emitWithAck(event, payload);
}

describe('reader socket protocol and hygiene', () => {
  let node: TestNode;
  let site: TestSite;
  beforeAll(async () => {
    node = await startNode();
    site = await createSite(node);
  });
  afterAll(() => stopNode(node));

  test.each([
    ['page:join', BAD_PAGE_PAYLOADS],
    ['page:leave', BAD_PAGE_PAYLOADS],
    ['comment:post', BAD_POST_PAYLOADS],
  ])('when %s gets an invalid payload, then the ack is bad_request and the socket stays usable', async (event, payloads) => {
    const socket = await readerSocket(node, { siteId: site.siteId, token: signToken(site) });
    for (const payload of payloads) {
      const ack = (await emitRaw(socket, event, payload)) as FailAck;
      expect({ payload, ack }).toEqual({
        payload,
        ack: { ok: false, error: expect.objectContaining({ code: 'bad_request', message: expect.any(String) }) },
      });
    }
    expect(socket.connected).toBe(true);
    expect(await emitAck(socket, 'page:join', { pageId: 'still-works' })).toMatchObject({ ok: true, total: 0 });
    socket.close();
  });

  test('when a client sends extra arguments before its ack, then it is still answered', async () => {
    const socket = await readerSocket(node, { siteId: site.siteId });
    const ack = await (socket as unknown as ClientSocket).timeout(3000).emitWithAck('page:join', { pageId: 'extra' }, 'surplus');
    expect(ack).toMatchObject({ ok: true });
    socket.close();
  });

  test('when an anonymous reader posts over the socket, then the ack is invalid_token and nothing is stored', async () => {
    const socket = await readerSocket(node, { siteId: site.siteId });
    const ack = (await emitAck(socket, 'comment:post', { pageId: 'anon', body: 'hi' })) as FailAck;
    expect(ack.error.code).toBe('invalid_token');
    expect((await listComments(node, site, 'anon')).body).toMatchObject({ comments: [], total: 0 });
    socket.close();
  });

  test('when a client emits an unknown event, then it is ignored and the socket keeps working', async () => {
    const socket = await readerSocket(node, { siteId: site.siteId });
    const raw = socket as unknown as ClientSocket;
    raw.emit('no:such:event', { any: 'thing' });
    raw.emit('__proto__');
    raw.emit('comment:post'); // no payload and no ack: nothing to answer
    expect(await emitAck(socket, 'page:join', { pageId: 'after-unknown' })).toMatchObject({ ok: true });
    expect(socket.connected).toBe(true);
    socket.close();
  });

  test.each([
    ['garbage', () => 'not.a.jwt'],
    ['a token of another site', () => signToken({ siteId: 'other-site', secret: 'x'.repeat(32) })],
    ['an expired token', () => signToken(site, { exp: Math.floor(Date.now() / 1000) - 60 })],
    ['a token signed with the wrong secret', () => signToken({ ...site, secret: 'wrong-secret-0123456789' })],
  ])('when the handshake carries %s, then the connection is refused with invalid_token', async (_what, token) => {
    await expect(readerSocket(node, { siteId: site.siteId, token: token() })).rejects.toMatchObject({ message: 'invalid_token' });
    await expect(adminSocket(node, { siteId: site.siteId, token: token() })).rejects.toMatchObject({ message: 'invalid_token' });
  });

  test('when the handshake names an unknown site, then the connection is refused with not_found', async () => {
    await expect(readerSocket(node, { siteId: 'no-such-site-here' })).rejects.toMatchObject({ message: 'not_found' });
  });

  test('when a message exceeds 32 KiB, then that connection is dropped and the server keeps serving others', async () => {
    const bystander = await readerSocket(node, { siteId: site.siteId });
    const socket = await readerSocket(node, { siteId: site.siteId, token: signToken(site) });
    const dropped = nextEvent(socket, 'disconnect');
    socket.emit('comment:post', { pageId: 'big', body: 'x'.repeat(40 * 1024) }, () => undefined);
    expect(await dropped).toMatch(/transport (close|error)/);
    expect(bystander.connected).toBe(true);
    expect(await emitAck(bystander, 'page:join', { pageId: 'after-big' })).toMatchObject({ ok: true });
    const fresh = await readerSocket(node, { siteId: site.siteId });
    expect(fresh.connected).toBe(true);
    bystander.close();
    fresh.close();
  });

  test('when a socket joins a 21st page, then the ack is bad_request and the first 20 stay joined', async () => {
    const socket = await readerSocket(node, { siteId: site.siteId });
    for (let i = 0; i < 20; i++) expect(await emitAck(socket, 'page:join', { pageId: `cap-${i}` })).toMatchObject({ ok: true });
    expect(await emitAck(socket, 'page:join', { pageId: 'cap-0' })).toMatchObject({ ok: true }); // re-joining is not a new page
    expect(((await emitAck(socket, 'page:join', { pageId: 'cap-20' })) as FailAck).error.code).toBe('bad_request');
    await emitAck(socket, 'page:leave', { pageId: 'cap-3' });
    expect(await emitAck(socket, 'page:join', { pageId: 'cap-20' })).toMatchObject({ ok: true });
    socket.close();
  });

  test('when sockets connect and disconnect, then /metrics counts the open connections per namespace', async () => {
    const readers = 'parley_connected_sockets{namespace="/"}';
    const before = await metric(node, readers);
    const a = await readerSocket(node, { siteId: site.siteId });
    const b = await readerSocket(node, { siteId: site.siteId });
    expect(await metric(node, readers)).toBe(before + 2);
    a.close();
    b.close();
    await until(async () => (await metric(node, readers)) === before, 5000, 'the gauge to drop back');
  });
});
