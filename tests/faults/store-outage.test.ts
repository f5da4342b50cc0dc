import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedStore, type EmbeddedStore } from '../../server/src/infra/embedded-store';
import { until } from '../helpers/harness';
import { startPrivateRedis, type PrivateRedis } from '../setup/redis-server';
import { createFaultSite, postAttempt, startLoad, tokenFor, untilReadiness, verifyStored, type Load } from './helpers/load';
import { spawnNode, type NodeProcess } from './helpers/node-process';

const DB = 'parley_faults';

/** Kills the PostgreSQL server under the store (SIGKILL, a crash); the launcher then exits too. */
async function killPostgres(store: EmbeddedStore): Promise<void> {
  const pid = store.postgres.pid;
  if (!pid) throw new Error('the store runs no embedded PostgreSQL');
  process.kill(pid, 'SIGKILL');
  await store.stop();
}
// Project-level testTimeout is not honoured by jest for projects; real processes need longer hooks.
jest.setTimeout(120_000);

describe('fault: the store stops and comes back while posts are in flight', () => {
  let dataDir: string;
  let store: EmbeddedStore;
  let redis: PrivateRedis;
  let node: NodeProcess;
  let load: Load | undefined;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-fault-store-'));
    [store, redis] = await Promise.all([startEmbeddedStore({ dataDir }), startPrivateRedis()]);
    node = await spawnNode({ storeUri: store.uri, dbName: DB, redisUrl: redis.url });
  });
  afterAll(async () => {
    load?.abort();
    await load?.done;
    await node?.stop();
    await store?.stop({ immediate: true });
    await redis?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test.each([
    ['the store (FerretDB and its PostgreSQL)', () => store.stop({ immediate: true })],
    ['the embedded PostgreSQL under the store', () => killPostgres(store)],
  ])(
    'when %s is killed mid-stream and restarted, then answers are clean 503s within 5 s, the node stays up and recovers, and every acknowledged comment is stored once',
    async (_what, kill) => {
      const site = await createFaultSite(node.url);
      const current = startLoad({
        urls: () => [node.url],
        site,
        pageId: 'outage',
        users: 5,
        total: 60,
        concurrency: 4,
        gapMs: 40,
        deadlineMs: 90_000,
      });
      load = current;
      // Let part of the stream be acknowledged before the outage.
      await until(() => current.acked.size >= 10, 15_000, 'the first acknowledged comments');

      const port = store.port;
      const downAt = Date.now();
      await kill();
      const notReady = await untilReadiness(node.url, 503, 5000);
      expect(notReady.ms).toBeLessThan(5000);
      expect(notReady.body).toMatchObject({ status: 'unavailable', checks: { mongodb: 'down', redis: 'up' } });

      // A direct probe during the outage: a clean 503 unavailable, quickly, never a 500.
      const probeNonce = `probe-${downAt}`;
      const probe = await postAttempt(node.url, site, 'outage', tokenFor(site, 'prober'), 'during the outage', probeNonce);
      expect(probe.status).toBe(503);
      expect(probe.code).toBe('unavailable');
      expect(probe.ms).toBeLessThan(5000);
      expect(node.alive()).toBe(true);

      store = await startEmbeddedStore({ dataDir, port });
      const upAt = Date.now();
      await untilReadiness(node.url, 200, 20_000);

      await current.done;
      const result = current;
      const during = result.attempts.filter((a) => a.at >= downAt && a.at < upAt);
      expect(during.length).toBeGreaterThan(0);
      // Any other answer fails with the node's own error lines attached, so the cause is in the report.
      const unexpected = result.attempts.filter((a) => ![200, 201, 503].includes(a.status));
      const errorLines = unexpected.length
        ? node
            .output()
            .split('\n')
            .filter((l) => l.includes('"level":50') && !l.includes('counter update') && !l.includes('"statusCode":503'))
            .slice(0, 5)
        : [];
      expect({ unexpected, errorLines }).toEqual({ unexpected: [], errorLines: [] });
      for (const a of result.attempts) {
        if (a.status === 503) expect(a.code).toBe('unavailable');
        expect(a.ms).toBeLessThan(5000);
      }
      expect(during.some((a) => a.status === 503)).toBe(true);
      expect(result.acked.size).toBe(60);
      expect(await verifyStored(store.uri, DB, site.siteId, result.acked)).toEqual([]);

      // The retried probe is stored once too, and nothing crashed on the way.
      const retried = await postAttempt(node.url, site, 'outage', tokenFor(site, 'prober'), 'during the outage', probeNonce);
      expect(retried.status).toBe(201);
      expect(node.alive()).toBe(true);
      expect(node.crashSigns()).toEqual([]);
    },
  );
});
