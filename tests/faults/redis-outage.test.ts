import { ADMIN_KEY, closeSockets, connectSocket, emitAck, nextEvent, until, type ReaderClient } from '../helpers/harness';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server';
import { createFaultSite, postAttempt, startLoad, tokenFor, untilReadiness, verifyStored, type Load } from './helpers/load';
import { spawnNode, type NodeProcess } from './helpers/node-process';

const DB = 'parley_faults_redis';
jest.setTimeout(120_000);

describe('fault: Redis stops and comes back while posts are in flight (two nodes)', () => {
  const storeUri = process.env.TEST_MONGODB_URI!;
  let redis: PrivateRedis;
  let a: NodeProcess;
  let b: NodeProcess;
  let load: Load | undefined;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    [a, b] = await Promise.all([
      spawnNode({ storeUri, dbName: DB, redisUrl: redis.url }),
      spawnNode({ storeUri, dbName: DB, redisUrl: redis.url }),
    ]);
  });
  afterAll(async () => {
    load?.abort();
    await load?.done;
    closeSockets();
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  async function reader(url: string, siteId: string, pageId: string): Promise<ReaderClient> {
    const socket = await connectSocket<ReaderClient>(url, { siteId });
    expect((await emitAck(socket, 'page:join', { pageId })).ok).toBe(true);
    return socket;
  }

  const created = (socket: ReaderClient, body: string) =>
    nextEvent(socket, 'comment:created', (p) => p.comment.body === body, 5000);

  test('when Redis is down, then posts still succeed, same-node events keep flowing, readiness reports it, nothing crashes, and cross-node events resume after', async () => {
    const site = await createFaultSite(a.url);
    const [onA, onB] = await Promise.all([reader(a.url, site.siteId, 'live'), reader(b.url, site.siteId, 'live')]);
    const token = tokenFor(site, 'writer');
    const before = 'before the outage';
    const seenBefore = Promise.all([created(onA, before), created(onB, before)]);
    expect((await postAttempt(a.url, site, 'live', token, before, 'w-1')).status).toBe(201);
    await seenBefore;

    const current = startLoad({
      urls: () => [a.url, b.url],
      site,
      pageId: 'load',
      users: 5,
      total: 60,
      concurrency: 4,
      gapMs: 60,
    });
    load = current;
    await redis.stop();
    const down = await Promise.all([untilReadiness(a.url, 503, 5000), untilReadiness(b.url, 503, 5000)]);
    for (const r of down) expect(r.body).toMatchObject({ checks: { mongodb: 'up', redis: 'down' } });

    // Degraded, not down: a post during the outage is stored and reaches the readers of its own node at once.
    const during = 'during the outage';
    const seenDuring = created(onA, during);
    const attempt = await postAttempt(a.url, site, 'live', token, during, 'w-2');
    expect(attempt.status).toBe(201);
    expect(attempt.ms).toBeLessThan(5000);
    await seenDuring;

    // Work that touches Redis without awaiting it: a reader leaving (session kept for recovery) and a
    // site change (cross-node notice). Neither may surface as an unhandled rejection.
    const leaving = await reader(b.url, site.siteId, 'live');
    // Cutting the transport (not a polite disconnect) makes the server keep the session in Redis.
    leaving.io.engine.close();
    const patch = await fetch(`${a.url}/api/v1/sites/${site.siteId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ name: 'renamed during the outage' }),
    });
    expect(patch.status).toBe(200);
    // The whole stream is answered while Redis is still down.
    await current.done;
    expect(current.acked.size).toBe(60);
    // ioredis fails queued commands only after its reconnect attempts run out (~1.5 s); the outage must
    // outlast that window, or a missing .catch() on fire-and-forget Redis work would go unnoticed.
    const actionsAt = Date.now();
    await until(() => Date.now() - actionsAt > 2500, 5000, 'the reconnect window');

    await redis.start();
    await Promise.all([untilReadiness(a.url, 200, 20_000), untilReadiness(b.url, 200, 20_000)]);

    // Cross-node fan-out is back: a post on node A reaches the reader on node B.
    const after = 'after the outage';
    const seenAfter = Promise.all([created(onA, after), created(onB, after)]);
    expect((await postAttempt(a.url, site, 'live', token, after, 'w-3')).status).toBe(201);
    await seenAfter;

    for (const r of current.attempts) expect([200, 201]).toContain(r.status);
    expect(await verifyStored(storeUri, DB, site.siteId, current.acked)).toEqual([]);
    expect(a.alive() && b.alive()).toBe(true);
    expect([...a.crashSigns(), ...b.crashSigns()]).toEqual([]);
  });
});
