import { randomBytes } from 'node:crypto';
import type { PresencePayload } from '@parley/protocol';
import {
  closeSockets,
  createSite,
  emitAck,
  readerSocket,
  startNode,
  uniqueId,
  until,
  type ReaderClient,
  type TestNode,
  type TestSite,
} from '../helpers/harness';

type Stamped = PresencePayload & { at: number };
/** A reader socket with every presence update it got, recorded from before it joined. */
type Reader = { socket: ReaderClient; log: Stamped[]; ack: { readers: number } };

/** Waits until the latest presence a reader got for a page says `n` readers. */
function readersBecome(r: Reader, pageId: string, n: number): Promise<void> {
  const latest = () => r.log.filter((p) => p.pageId === pageId).at(-1)?.readers;
  return until(() => latest() === n, 5000, `${pageId} to show ${n} readers (last: ${latest()})`);
}

// Throttled updates (one a second) make these tests take a few seconds each.
jest.setTimeout(20_000);

describe('presence: how many readers have a page open', () => {
  let a: TestNode;
  let b: TestNode;
  let site: TestSite;
  beforeAll(async () => {
    const redisPrefix = `ptest:${randomBytes(4).toString('hex')}:`;
    a = await startNode({ redisPrefix });
    b = await startNode({ redisPrefix });
    site = await createSite(a);
  });
  afterAll(async () => {
    closeSockets();
    await Promise.all([a.close(), b.close()]);
  });

  async function join(node: TestNode, pageId: string): Promise<Reader> {
    const socket = await readerSocket(node, { siteId: site.siteId });
    const log: Stamped[] = [];
    socket.on('page:presence', (p) => log.push({ ...p, at: Date.now() }));
    const ack = await emitAck(socket, 'page:join', { pageId });
    return { socket, log, ack };
  }

  test('when readers open and close a page on one node, then the room is told each new count', async () => {
    const pageId = uniqueId('page');
    const first = await join(a, pageId);
    expect(first.ack.readers).toBe(1);
    await readersBecome(first, pageId, 1);
    const second = await join(a, pageId);
    expect(second.ack.readers).toBe(2);
    await Promise.all([readersBecome(first, pageId, 2), readersBecome(second, pageId, 2)]);
    second.socket.close();
    await readersBecome(first, pageId, 1);
    const third = await join(a, pageId);
    await readersBecome(third, pageId, 2);
    expect(await emitAck(first.socket, 'page:leave', { pageId })).toEqual({ ok: true });
    await readersBecome(third, pageId, 1);
    expect(first.log.filter((p) => p.pageId === pageId).map((p) => p.readers)).toEqual([1, 2, 1, 2]);
  });

  test('when readers of another page come and go, then this page hears nothing of it', async () => {
    const pageId = uniqueId('page');
    const mine = await join(a, pageId);
    await readersBecome(mine, pageId, 1);
    const other = uniqueId('other');
    const stranger = await join(a, other);
    await readersBecome(stranger, other, 1);
    stranger.socket.close();
    const second = await join(a, pageId);
    await readersBecome(mine, pageId, 2);
    expect(mine.log.map((p) => p.pageId)).toEqual([pageId, pageId]);
    expect(second.log.map((p) => p.pageId)).toEqual([pageId]);
  });

  test('when many readers join at once, then the room gets at most one update per second, ending on the right count', async () => {
    const pageId = uniqueId('page');
    const first = await join(a, pageId);
    await readersBecome(first, pageId, 1);
    first.log.length = 0;
    for (let i = 0; i < 6; i++) await join(a, pageId);
    await readersBecome(first, pageId, 7);
    expect(first.log.length).toBeLessThanOrEqual(2);
    for (let i = 1; i < first.log.length; i++) expect(first.log[i]!.at - first.log[i - 1]!.at).toBeGreaterThanOrEqual(950);
  });

  test('when readers are spread over two nodes, then every reader sees the total across nodes as it rises and falls', async () => {
    const pageId = uniqueId('page');
    const x = await join(a, pageId);
    await readersBecome(x, pageId, 1);
    const y = await join(b, pageId);
    expect(y.ack.readers).toBe(2);
    await Promise.all([readersBecome(x, pageId, 2), readersBecome(y, pageId, 2)]);
    // The reader on node A leaves: node A must tell the room even though 1 is what it last published itself.
    x.socket.close();
    await readersBecome(y, pageId, 1);
    const z = await join(a, pageId);
    expect(z.ack.readers).toBe(2);
    await Promise.all([readersBecome(y, pageId, 2), readersBecome(z, pageId, 2)]);
  });

  test('when a node shuts down, then its readers no longer count on the page', async () => {
    const redisPrefix = `ptest:${randomBytes(4).toString('hex')}:`;
    const c = await startNode({ redisPrefix });
    const d = await startNode({ redisPrefix });
    try {
      const pageId = uniqueId('page');
      await emitAck(await readerSocket(c, { siteId: site.siteId }), 'page:join', { pageId });
      const onD = await readerSocket(d, { siteId: site.siteId });
      expect((await emitAck(onD, 'page:join', { pageId })).readers).toBe(2);
      await c.close();
      expect((await emitAck(onD, 'page:join', { pageId })).readers).toBe(1);
    } finally {
      await d.close();
    }
  });
});
