import { closeSockets, connectSocket, emitAck, until, type ReaderClient } from '../helpers/harness';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server';
import { createFaultSite, startLoad, storedComments, verifyStored } from './helpers/load';
import { spawnNode, type NodeProcess } from './helpers/node-process';

const DB = 'parley_faults_burst';
jest.setTimeout(120_000);

describe('back-pressure: a burst of 500 concurrent posts on two nodes', () => {
  const storeUri = process.env.TEST_MONGODB_URI!;
  let redis: PrivateRedis;
  let nodes: NodeProcess[] = [];
  beforeAll(async () => {
    redis = await startPrivateRedis();
    nodes = await Promise.all([0, 1].map(() => spawnNode({ storeUri, dbName: DB, redisUrl: redis.url })));
  });
  afterAll(async () => {
    closeSockets();
    await Promise.all(nodes.map((n) => n.stop()));
    await redis?.stop();
  });

  test('when 50 users post 500 comments at once, then exactly 500 are stored, each once, and every reader on either node receives each once', async () => {
    const [a, b] = nodes as [NodeProcess, NodeProcess];
    // Limits raised for this site: 10 posts per user and 500 from one IP within the minute.
    const site = await createFaultSite(a.url);
    const received: string[][] = [];
    await Promise.all(
      [a, a, b, b].map(async (n) => {
        const socket = await connectSocket<ReaderClient>(n.url, { siteId: site.siteId });
        const bodies: string[] = [];
        received.push(bodies);
        socket.on('comment:created', ({ comment }) => bodies.push(comment.id));
        expect((await emitAck(socket, 'page:join', { pageId: 'burst' })).ok).toBe(true);
      }),
    );

    const load = startLoad({
      urls: () => [a.url, b.url],
      site,
      pageId: 'burst',
      users: 50,
      total: 500,
      concurrency: 500,
      deadlineMs: 60_000,
    });
    await load.done;
    // Every post was accepted at the first attempt: no 5xx, no timeouts, no retries needed.
    expect(load.attempts.map((x) => x.status).filter((s) => s !== 201)).toEqual([]);
    expect(load.acked.size).toBe(500);

    const stored = await storedComments(storeUri, DB, site.siteId);
    expect(stored.filter((c) => c.pageId === 'burst')).toHaveLength(500);
    expect(new Set(stored.map((c) => c.id)).size).toBe(500);
    expect(await verifyStored(storeUri, DB, site.siteId, load.acked)).toEqual([]);
    // What was stored is exactly what was acknowledged: every nonce, under the id its answer named.
    expect(new Map(stored.map((c) => [c.clientNonce, c.id]))).toEqual(load.acked);

    const ids = new Set(load.acked.values());
    await until(() => received.every((r) => r.length >= 500), 30_000, 'every reader receiving 500 comments');
    for (const r of received) {
      expect(r).toHaveLength(500);
      expect(new Set(r).size).toBe(500);
      expect(r.every((id) => ids.has(id))).toBe(true);
    }
    for (const n of nodes) expect(n.crashSigns()).toEqual([]);
  });
});
