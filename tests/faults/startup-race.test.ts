import { uniqueId } from '../helpers/harness';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server';
import { spawnNode, type NodeProcess } from './helpers/node-process';

jest.setTimeout(120_000);

describe('startup: two nodes started at the same moment on an empty store', () => {
  const storeUri = process.env.TEST_MONGODB_URI!;
  let redis: PrivateRedis;
  let nodes: NodeProcess[] = [];
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis?.stop();
  });

  test('when both create the collections, indexes and the demo site at once, then both come up and serve the same demo site', async () => {
    // A database no node has ever used: every create-if-missing at start runs on both nodes.
    const dbName = `parley_faults_${uniqueId('fresh').replace(/-/g, '_')}`;
    const settled = await Promise.allSettled(
      [0, 1].map(() => spawnNode({ storeUri, dbName, redisUrl: redis.url, env: { NODE_ENV: 'development' } })),
    );
    nodes = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    expect(settled.map((s) => (s.status === 'rejected' ? String(s.reason).slice(0, 400) : 'up'))).toEqual(['up', 'up']);

    const settings = await Promise.all(
      nodes.map(async (n) => {
        const res = await fetch(`${n.url}/api/v1/sites/demo/settings`);
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      }),
    );
    for (const s of settings) expect(s).toMatchObject({ status: 200, body: { settings: { siteId: 'demo', guests: true } } });
    // Both nodes post to the one demo site (its secret was sealed once, by whichever node won).
    for (const n of nodes) {
      const token = (await (
        await fetch(`${n.url}/api/v1/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      ).json()) as { token: string };
      const res = await fetch(`${n.url}/api/v1/sites/demo/pages/start/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token.token}` },
        body: JSON.stringify({ body: `hello from ${n.port}` }),
      });
      expect(res.status).toBe(201);
    }
    // Development mode prints its banner as plain text; anything else plain is a crash.
    for (const n of nodes) expect(n.crashSigns().filter((l) => !l.includes('Parley is running'))).toEqual([]);
  });
});
